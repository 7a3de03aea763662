"""Model builders, one module per family. Each returns an uncompiled ``keras.Model``.

Decoding a trained translator (``Seq2SeqTranslator``, ``load_translator``) lives in
``coursework.generation.seq2seq``: models never import generation.

The BERT builders (``coursework.models.bert``) load KerasHub and are imported from their module.
"""

from coursework.models.attention_classifiers import (
    build_self_attention_classifier,
    build_transformer_classifier,
)
from coursework.models.classifiers import (
    build_bilstm_classifier,
    build_classifier,
    build_cnn_classifier,
    build_glove_classifier,
    build_lstm_classifier,
)
from coursework.models.generator import build_char_generator, build_word_lm
from coursework.models.seq2seq import build_addition_seq2seq
from coursework.models.text_input import make_vectorizer, predict_texts, text_classifier
from coursework.models.translator import build_seq2seq_translator

__all__ = [
    "build_addition_seq2seq",
    "build_bilstm_classifier",
    "build_char_generator",
    "build_classifier",
    "build_cnn_classifier",
    "build_glove_classifier",
    "build_lstm_classifier",
    "build_self_attention_classifier",
    "build_seq2seq_translator",
    "build_transformer_classifier",
    "build_word_lm",
    "make_vectorizer",
    "predict_texts",
    "text_classifier",
]
