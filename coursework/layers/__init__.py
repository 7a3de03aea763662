"""Keras 3 layers written with ``keras.ops`` only (backend-agnostic), all serialisable.

Importing this package registers every serialisable layer and metric of ``coursework`` with Keras, so
a saved model loads with plain ``keras.saving.load_model(path)`` once ``import coursework.layers`` has
run (``coursework.persistence.load_model`` does it for you, BERT models included).
"""

import coursework.metrics  # noqa: F401  (registers SequenceExactMatch for compiled models)
from coursework.layers.attention import (
    AttentionPooling,
    MultiHeadSelfAttention,
    masked_softmax,
    scaled_dot_product_attention,
)
from coursework.layers.bert_preprocessor import BertTextPreprocessor
from coursework.layers.positional import SinusoidalPositionalEncoding, TokenAndPositionEmbedding
from coursework.layers.seq2seq_attention import BahdanauAttention, LuongAttention
from coursework.layers.sequence import ReverseTime
from coursework.layers.text_model import RawTextModel, to_text_array
from coursework.layers.token_embedding import TokenEmbedding
from coursework.layers.transformer import TransformerEncoderBlock
from coursework.layers.transformer_decoder import TransformerDecoderBlock
from coursework.layers.vocabulary import TokenVocabulary

__all__ = [
    "AttentionPooling",
    "BahdanauAttention",
    "LuongAttention",
    "MultiHeadSelfAttention",
    "ReverseTime",
    "SinusoidalPositionalEncoding",
    "TokenAndPositionEmbedding",
    "TokenEmbedding",
    "TokenVocabulary",
    "TransformerDecoderBlock",
    "TransformerEncoderBlock",
    "masked_softmax",
    "scaled_dot_product_attention",
    "BertTextPreprocessor",
    "RawTextModel",
    "to_text_array",
]
