"""Every layer exported by ``coursework.layers`` through the shared harness (tests/layer_harness.py).

To cover a new layer, add one ``LayerCase`` row to ``CASES``; ``test_every_exported_layer_is_covered``
fails until every exported layer class has at least one row.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import keras
import numpy as np
import pytest
from layer_harness import padded_sequences, run_layer_test

import coursework.layers as L

SEQ = padded_sequences(batch=2, time=5, features=8, lengths=(3, 4))
IDS = np.array([[4, 2, 7, 0, 0], [1, 3, 3, 5, 0]], dtype="int32")


@dataclass(frozen=True)
class LayerCase:
    id: str
    cls: type
    init_kwargs: dict
    input_data: object
    output_shape: object
    mask: str = "keep"
    call_kwargs: dict = field(default_factory=dict)
    dtype_policy: str | None = "mixed_float16"
    tensorflow_only: bool = False  # e.g. string inputs; skipped on other backends


BERT_VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "good", "film"]

CASES = [
    LayerCase(
        "bert_text_preprocessor",
        L.BertTextPreprocessor,
        {"vocabulary": BERT_VOCABULARY, "sequence_length": 6},
        np.array(["a good film", "good"], dtype=object),
        [(2, 6)] * 3,
        mask="none",
        dtype_policy=None,  # integer ids out, no weights: KerasHub's packers have no float policy
        tensorflow_only=True,
    ),
    LayerCase("attention_pooling", L.AttentionPooling, {"units": 6}, SEQ, (2, 8), mask="drop"),
    LayerCase(
        "attention_pooling_scores",
        L.AttentionPooling,
        {"units": 6, "temperature": 0.5},
        SEQ,
        [(2, 8), (2, 5)],
        mask="drop",
        call_kwargs={"return_attention_scores": True},
    ),
    LayerCase(
        "bahdanau",
        L.BahdanauAttention,
        {"units": 6},
        {"query": SEQ[:, :4, :], "value": padded_sequences(2, 5, 6, (5, 2), seed=1)},
        (2, 4, 6),
    ),
    LayerCase(
        "luong_dot",
        L.LuongAttention,
        {"score": "dot"},
        {"query": SEQ[:, :4, :], "value": padded_sequences(2, 5, 8, (5, 2), seed=1)},
        (2, 4, 8),
    ),
    LayerCase(
        "luong_general_scores",
        L.LuongAttention,
        {"score": "general"},
        {"query": SEQ, "value": padded_sequences(2, 3, 6, (3, 2), seed=1)},
        [(2, 5, 6), (2, 5, 3)],
        call_kwargs={"return_attention_scores": True},
    ),
    LayerCase(
        "multi_head_self_attention", L.MultiHeadSelfAttention, {"num_heads": 2, "key_dim": 3}, SEQ, (2, 5, 8)
    ),
    LayerCase(
        "multi_head_self_attention_scores",
        L.MultiHeadSelfAttention,
        {"num_heads": 2, "value_dim": 2, "output_dim": 4, "dropout": 0.1},
        SEQ,
        [(2, 5, 4), (2, 2, 5, 5)],
        call_kwargs={"return_attention_scores": True},
    ),
    LayerCase("reverse_time", L.ReverseTime, {}, SEQ, (2, 5, 8), mask="reverse"),
    LayerCase("sinusoidal_position", L.SinusoidalPositionalEncoding, {"max_wavelength": 100}, SEQ, (2, 5, 8)),
    LayerCase(
        "token_and_position_learned",
        L.TokenAndPositionEmbedding,
        {"vocab_size": 9, "max_len": 6, "embed_dim": 4},
        IDS,
        (2, 5, 4),
        mask="make",
    ),
    LayerCase(
        "token_and_position_sinusoidal",
        L.TokenAndPositionEmbedding,
        {"vocab_size": 9, "max_len": 5, "embed_dim": 4, "positions": "sinusoidal"},
        IDS,
        (2, 5, 4),
        mask="make",
    ),
    LayerCase(
        "token_embedding",
        L.TokenEmbedding,
        {"vocabulary": ["", "[UNK]", "a", "b", "c", "d", "e", "f"], "output_dim": 3},
        IDS,
        (2, 5, 3),
        mask="make",
    ),
    LayerCase(
        "token_vocabulary_one_hot",
        L.TokenVocabulary,
        {"vocabulary": list("abcdefgh")},
        IDS,
        (2, 5, 8),
        mask="none",
    ),
    LayerCase(
        "token_vocabulary_int",
        L.TokenVocabulary,
        {
            "vocabulary": ["the", "a", "cat", "dog", "sat", "ran", "on", "mat"],
            "level": "word",
            "output_mode": "int",
        },
        IDS,
        (2, 5),
        mask="none",
    ),
    LayerCase(
        "transformer_post_ln",
        L.TransformerEncoderBlock,
        {"num_heads": 2, "intermediate_dim": 12},
        SEQ,
        (2, 5, 8),
    ),
    LayerCase(
        "transformer_pre_ln_scores",
        L.TransformerEncoderBlock,
        {
            "num_heads": 4,
            "intermediate_dim": 12,
            "normalize_first": True,
            "dropout": 0.1,
            "activation": "gelu",
        },
        SEQ,
        [(2, 5, 8), (2, 4, 5, 5)],
        call_kwargs={"return_attention_scores": True},
    ),
    LayerCase(
        "transformer_decoder_only",
        L.TransformerDecoderBlock,
        {"num_heads": 2, "intermediate_dim": 12},
        SEQ,
        (2, 5, 8),
    ),
    LayerCase(
        "transformer_decoder_cross_pre_ln_scores",
        L.TransformerDecoderBlock,
        {"num_heads": 2, "intermediate_dim": 12, "normalize_first": True, "dropout": 0.1},
        {"decoder_sequence": SEQ, "encoder_sequence": padded_sequences(2, 4, 8, (4, 2), seed=1)},
        [(2, 5, 8), (2, 2, 5, 5), (2, 2, 5, 4)],
        call_kwargs={"return_attention_scores": True},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_layer_harness(case, tmp_path):
    if case.tensorflow_only and keras.config.backend() != "tensorflow":
        pytest.skip(f"{case.cls.__name__} needs TensorFlow")
    run_layer_test(
        case.cls,
        case.init_kwargs,
        case.input_data,
        case.output_shape,
        str(tmp_path),
        call_kwargs=case.call_kwargs,
        mask=case.mask,
        dtype_policy=case.dtype_policy,
    )


def test_every_exported_layer_is_covered():
    exported = {
        name
        for name in L.__all__
        if inspect.isclass(getattr(L, name))
        and issubclass(getattr(L, name), keras.layers.Layer)
        and not issubclass(getattr(L, name), keras.Model)  # RawTextModel: tested in test_raw_text_input
    }
    covered = {case.cls.__name__ for case in CASES}
    assert exported - covered == set(), f"add a LayerCase for {sorted(exported - covered)}"
    assert len({case.id for case in CASES}) == len(CASES), "LayerCase ids must be unique"
