"""Pre-training a small BERT: a backbone from a config, a Spanish WordPiece vocabulary, 15 % masking,
``keras_hub.models.BertMaskedLM`` and a fill-in-the-mask demo.
"""

from __future__ import annotations

import numpy as np

from coursework.layers.bert_preprocessor import SPECIAL_TOKENS
from coursework.models.bert.classifier import set_backbone_trainable


def build_tiny_bert(
    vocabulary_size: int,
    num_layers: int = 2,
    num_heads: int = 2,
    hidden_dim: int = 64,
    intermediate_dim: int = 128,
    max_sequence_length: int = 64,
    dropout: float = 0.1,
):
    """A small ``keras_hub.models.BertBackbone`` built from a config (random weights).

    Example:
        >>> build_tiny_bert(100).count_params() < 200_000
        True
    """
    import keras_hub

    if hidden_dim % num_heads:
        raise ValueError(f"num_heads={num_heads} does not divide hidden_dim={hidden_dim}.")
    return keras_hub.models.BertBackbone(
        vocabulary_size=vocabulary_size,
        num_layers=num_layers,
        num_heads=num_heads,
        hidden_dim=hidden_dim,
        intermediate_dim=intermediate_dim,
        dropout=dropout,
        max_sequence_length=max_sequence_length,
    )


def spanish_tokenizer(texts, vocabulary_size: int = 4000):
    """A lower-cased WordPiece ``BertTokenizer`` whose vocabulary is learned from ``texts``."""
    import keras_hub
    import tensorflow as tf

    # A list would be read as file names: pass the sentences as a dataset.
    vocab = keras_hub.tokenizers.compute_word_piece_vocabulary(
        tf.data.Dataset.from_tensor_slices(np.array(texts, dtype=object)).batch(1000),
        vocabulary_size=vocabulary_size,
        lowercase=True,
        reserved_tokens=list(SPECIAL_TOKENS),
    )
    return keras_hub.models.BertTokenizer(vocabulary=vocab, lowercase=True)


def masked_lm_dataset(
    texts,
    tokenizer,
    sequence_length: int = 64,
    mask_rate: float = 0.15,
    batch_size: int = 32,
    seed: int = 0,
    shuffle: bool = True,
):
    """A ``tf.data`` pipeline for masked-LM pre-training: pack ``[CLS] … [SEP]``, then mask ``mask_rate``
    of the real tokens (80 % ``[MASK]``, 10 % random, 10 % unchanged) anew at every epoch.

    Yields ``(x, mask_ids, mask_weights)`` with ``x`` = ``token_ids``, ``padding_mask``,
    ``segment_ids``, ``mask_positions`` — what ``keras_hub.models.BertMaskedLM`` trains on.
    """
    import keras_hub
    import tensorflow as tf

    if not 0 < mask_rate < 1:
        raise ValueError(f"mask_rate must be in (0, 1), got {mask_rate}.")
    vocab = tokenizer.get_vocabulary()
    ids = {t: vocab.index(t) for t in SPECIAL_TOKENS}
    packer = keras_hub.layers.StartEndPacker(
        sequence_length=sequence_length,
        start_value=ids["[CLS]"],
        end_value=ids["[SEP]"],
        pad_value=ids["[PAD]"],
    )
    masker = keras_hub.layers.MaskedLMMaskGenerator(
        vocabulary_size=len(vocab),
        mask_selection_rate=mask_rate,
        mask_token_id=ids["[MASK]"],
        mask_selection_length=max(1, int(round(sequence_length * mask_rate * 1.5))),
        unselectable_token_ids=[ids["[PAD]"], ids["[CLS]"], ids["[SEP]"]],
        random_token_rate=0.1,
    )

    def prepare(text):
        token_ids = packer(tokenizer(text))
        masked = masker(token_ids)
        x = {
            "token_ids": masked["token_ids"],
            "padding_mask": token_ids != ids["[PAD]"],
            "segment_ids": tf.zeros_like(token_ids),
            "mask_positions": masked["mask_positions"],
        }
        return x, masked["mask_ids"], masked["mask_weights"]

    ds = tf.data.Dataset.from_tensor_slices(np.array(texts, dtype=object))
    if shuffle:
        ds = ds.shuffle(len(texts), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).map(prepare, num_parallel_calls=tf.data.AUTOTUNE).prefetch(2)


def build_masked_lm(backbone, learning_rate: float = 1e-3):
    """``keras_hub.models.BertMaskedLM`` on ``backbone`` (no preprocessor), compiled with a weighted
    sparse cross-entropy on the masked positions and their accuracy."""
    import keras
    import keras_hub

    model = keras_hub.models.BertMaskedLM(backbone, preprocessor=None)
    set_backbone_trainable(backbone, True)  # its pooled_dense gets no gradient from the MLM loss
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    return model


def fill_mask(masked_lm, tokenizer, text: str, top_k: int = 5, sequence_length: int = 64):
    """Top-``k`` word pieces for the first ``[MASK]`` in ``text``: ``[(piece, probability), …]``.

    Raises:
        ValueError: if ``text`` has no ``[MASK]``.
    """
    vocab = tokenizer.get_vocabulary()
    mask_id, cls_id, sep_id = vocab.index("[MASK]"), vocab.index("[CLS]"), vocab.index("[SEP]")
    if "[MASK]" not in text:
        raise ValueError(f"{text!r} has no [MASK] to fill.")
    before, after = text.split("[MASK]", 1)
    pieces = (
        [cls_id]
        + np.asarray(tokenizer(before)).tolist()
        + [mask_id]
        + np.asarray(tokenizer(after)).tolist()
        + [sep_id]
    )[:sequence_length]
    position = pieces.index(mask_id)
    token_ids = np.zeros((1, sequence_length), "int32")
    token_ids[0, : len(pieces)] = pieces
    x = {
        "token_ids": token_ids,
        "padding_mask": token_ids != 0,
        "segment_ids": np.zeros_like(token_ids),
        "mask_positions": np.array([[position]], "int32"),
    }
    logits = np.asarray(masked_lm(x, training=False))[0, 0]
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    best = np.argsort(-probs)[:top_k]
    return [(vocab[i], float(probs[i])) for i in best]
