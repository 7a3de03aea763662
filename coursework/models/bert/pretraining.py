"""Pre-training a small BERT with the masked-LM objective: a backbone from a config, a Spanish
WordPiece vocabulary, dynamic masking, ``keras_hub.models.BertMaskedLM`` with a loss averaged over the
masked positions only, its held-out accuracy against the most-frequent-piece baseline, and a
fill-in-the-mask demo. The second objective (next sentence) is in
:mod:`coursework.models.bert.next_sentence`.
"""

from __future__ import annotations

import numpy as np

from coursework.layers.bert_preprocessor import SPECIAL_TOKENS
from coursework.models.bert.classifier import set_backbone_trainable

#: BERT's masking recipe: of the selected pieces, 80 % become [MASK], 10 % a random piece, 10 % stay.
MASK_TOKEN_RATE, RANDOM_TOKEN_RATE = 0.8, 0.1


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


def _special_ids(tokenizer) -> dict[str, int]:
    vocab = tokenizer.get_vocabulary()
    return {t: vocab.index(t) for t in SPECIAL_TOKENS}


def _masking(tokenizer, sequence_length, mask_rate, mask_token_rate, random_token_rate):
    """KerasHub's ``StartEndPacker`` (``[CLS] … [SEP]``) and ``MaskedLMMaskGenerator`` for a tokenizer."""
    import keras_hub

    if not 0 < mask_rate < 1:
        raise ValueError(f"mask_rate must be in (0, 1), got {mask_rate}.")
    ids = _special_ids(tokenizer)
    packer = keras_hub.layers.StartEndPacker(
        sequence_length=sequence_length,
        start_value=ids["[CLS]"],
        end_value=ids["[SEP]"],
        pad_value=ids["[PAD]"],
    )
    masker = keras_hub.layers.MaskedLMMaskGenerator(
        vocabulary_size=tokenizer.vocabulary_size(),
        mask_selection_rate=mask_rate,
        mask_token_id=ids["[MASK]"],
        mask_selection_length=max(1, int(round(sequence_length * mask_rate * 1.5))),
        unselectable_token_ids=[ids["[PAD]"], ids["[CLS]"], ids["[SEP]"]],
        mask_token_rate=mask_token_rate,
        random_token_rate=random_token_rate,
    )
    return packer, masker, ids["[PAD]"]


def masked_lm_dataset(
    texts,
    tokenizer,
    sequence_length: int = 64,
    mask_rate: float = 0.15,
    batch_size: int = 32,
    seed: int = 0,
    shuffle: bool = True,
    mask_token_rate: float = MASK_TOKEN_RATE,
    random_token_rate: float = RANDOM_TOKEN_RATE,
):
    """A ``tf.data`` pipeline for masked-LM pre-training: pack ``[CLS] … [SEP]``, then select
    ``mask_rate`` of the real tokens anew at every epoch; of those, ``mask_token_rate`` become
    ``[MASK]``, ``random_token_rate`` a random piece, the rest stay unchanged (BERT: 80 / 10 / 10 %).

    Yields ``(x, mask_ids, mask_weights)`` with ``x`` = ``token_ids``, ``padding_mask``,
    ``segment_ids``, ``mask_positions`` — what ``keras_hub.models.BertMaskedLM`` trains on; Keras reads
    ``mask_weights`` as sample weights (1 = a masked position, 0 = an empty slot).
    """
    import tensorflow as tf

    packer, masker, pad_id = _masking(
        tokenizer, sequence_length, mask_rate, mask_token_rate, random_token_rate
    )

    def prepare(text):
        token_ids = packer(tokenizer(text))
        masked = masker(token_ids)
        x = {
            "token_ids": masked["token_ids"],
            "padding_mask": token_ids != pad_id,
            "segment_ids": tf.zeros_like(token_ids),
            "mask_positions": masked["mask_positions"],
        }
        return x, masked["mask_ids"], masked["mask_weights"]

    ds = tf.data.Dataset.from_tensor_slices(np.array(texts, dtype=object))
    if shuffle:
        ds = ds.shuffle(len(texts), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).map(prepare, num_parallel_calls=tf.data.AUTOTUNE).prefetch(2)


def masked_lm_test_set(texts, tokenizer, sequence_length: int = 64, mask_rate: float = 0.15):
    """Held-out texts masked ONCE, every selected piece replaced by ``[MASK]`` (none left unchanged, so
    the model cannot copy its input): ``(x, mask_ids, mask_weights)`` as NumPy arrays, so the model and
    the baseline are scored on the same positions. (KerasHub's selector takes no seed: another call
    picks other positions.)"""
    ds = masked_lm_dataset(
        texts,
        tokenizer,
        sequence_length,
        mask_rate,
        batch_size=len(texts),
        shuffle=False,
        mask_token_rate=1.0,
        random_token_rate=0.0,
    )
    x, y, w = next(iter(ds))
    return {k: np.asarray(v) for k, v in x.items()}, np.asarray(y), np.asarray(w)


def most_frequent_piece(tokenizer, texts) -> int:
    """Id of the word piece that occurs most often in ``texts`` (the frequency baseline's answer)."""
    pieces = tokenizer(np.array(list(texts), dtype=object))
    flat = np.concatenate(
        [np.asarray(p) for p in (pieces.to_list() if hasattr(pieces, "to_list") else pieces)]
    )
    return int(np.bincount(flat, minlength=tokenizer.vocabulary_size()).argmax())


def masked_lm_accuracy(masked_lm, test_set, baseline_id: int) -> dict:
    """Accuracy at the masked positions of ``test_set`` (from :func:`masked_lm_test_set`), and that of
    always answering ``baseline_id`` at the same positions.

    Returns:
        dict with ``accuracy``, ``baseline_accuracy``, ``ratio`` (accuracy / baseline), ``loss`` (mean
        cross-entropy per masked piece) and ``n_masked``.
    """
    x, y, w = test_set
    correct = baseline = loss = 0.0
    for start in range(0, len(y), 128):
        part = slice(start, start + 128)
        logits = np.asarray(masked_lm({k: v[part] for k, v in x.items()}, training=False), "float64")
        logits -= logits.max(-1, keepdims=True)
        log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        picked = w[part] > 0
        true_log_prob = np.take_along_axis(log_probs, y[part][..., None], axis=-1)[..., 0]
        correct += float((log_probs.argmax(-1) == y[part])[picked].sum())
        baseline += float((y[part] == baseline_id)[picked].sum())
        loss -= float(true_log_prob[picked].sum())
    n = int((w > 0).sum())
    accuracy, baseline = correct / n, baseline / n
    return {
        "accuracy": accuracy,
        "baseline_accuracy": baseline,
        "ratio": accuracy / baseline if baseline else float("inf"),
        "loss": loss / n,
        "n_masked": n,
    }


def build_masked_lm(backbone, learning_rate=1e-3):
    """``keras_hub.models.BertMaskedLM`` on ``backbone`` (no preprocessor), compiled with Adam
    (``learning_rate``: a number or a schedule) and a sparse cross-entropy averaged over the masked
    positions only: ``reduction="mean_with_sample_weight"`` divides by the sum of the mask weights, not
    by the number of slots, so empty slots count zero. Its accuracy is weighted the same way."""
    import keras
    import keras_hub

    model = keras_hub.models.BertMaskedLM(backbone, preprocessor=None)
    set_backbone_trainable(backbone, True)  # its pooled_dense gets no gradient from the MLM loss
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction="mean_with_sample_weight"
        ),
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
