"""Model builders, one module per family. Each returns an uncompiled ``keras.Model``."""

from coursework.models.seq2seq import build_addition_seq2seq

__all__ = ["build_addition_seq2seq"]
