"""BERT's second pre-training objective: is sentence B the continuation of sentence A?

Pairs come from documents the BERT way: for each pair of consecutive sentences, half the time B is
the real next sentence (label 1), half the time a random sentence of *another* document (label 0).
The input is ``[CLS] A [SEP] B [SEP]`` with segment ids 0 for A and 1 for B; the head is the course's
classifier head (:func:`coursework.models.bert.build_bert_classifier`: the mean of the pieces' final
vectors → Dropout → Dense with a sigmoid). BERT reads the ``[CLS]`` vector instead; on a tiny model
with a few thousand pairs, KerasHub's ``BertTextClassifier`` on ``[CLS]`` stayed at chance for 3 epochs
(53 %, measured once) where the mean reached 54-55 % on held-out speeches.
"""

from __future__ import annotations

import numpy as np


def next_sentence_pairs(documents, seed: int = 0):
    """``(first, second, labels)``: one pair per consecutive sentence pair of each document; ``labels``
    is 1 where ``second`` really follows ``first`` (probability ½), 0 where it was drawn from another
    document.

    Example:
        >>> docs = [["a1", "a2", "a3"], ["b1", "b2"], ["c1"]]
        >>> first, second, labels = next_sentence_pairs(docs, seed=0)
        >>> first
        ['a1', 'a2', 'b1']
        >>> all((s in ("a2", "a3", "b2")) == bool(y) for s, y in zip(second, labels))
        True

    Raises:
        ValueError: if fewer than two documents have sentences (a negative needs another document).
    """
    documents = [list(d) for d in documents]
    owners = [(i, s) for i, d in enumerate(documents) for s in d]
    if len({i for i, _ in owners}) < 2:
        raise ValueError("next_sentence_pairs needs at least two documents with sentences.")
    rng = np.random.default_rng(seed)
    first, second, labels = [], [], []
    for i, doc in enumerate(documents):
        for a, b in zip(doc[:-1], doc[1:], strict=True):
            first.append(a)
            if rng.random() < 0.5:
                second.append(b)
                labels.append(1)
                continue
            owner, sentence = owners[rng.integers(len(owners))]
            while owner == i:
                owner, sentence = owners[rng.integers(len(owners))]
            second.append(sentence)
            labels.append(0)
    return first, second, np.asarray(labels, dtype="int32")


def pair_inputs(tokenizer, first, second, sequence_length: int = 64) -> dict[str, np.ndarray]:
    """``[CLS] A [SEP] B [SEP]`` packed by ``keras_hub.models.BertTextClassifierPreprocessor`` (both
    sentences trimmed in turn until the pair fits): NumPy ``token_ids``, ``padding_mask``, ``segment_ids``.
    """
    import keras_hub

    if len(first) != len(second):
        raise ValueError(f"{len(first)} first sentences but {len(second)} second ones.")
    preprocessor = keras_hub.models.BertTextClassifierPreprocessor(tokenizer, sequence_length=sequence_length)
    out = {}
    for start in range(0, len(first), 2048):
        a = np.array(first[start : start + 2048], dtype=object)
        b = np.array(second[start : start + 2048], dtype=object)
        for key, value in preprocessor(x=(a, b)).items():  # a positional tuple would read as (x, y)
            out.setdefault(key, []).append(np.asarray(value))
    return {k: np.concatenate(v) for k, v in out.items()}


def build_next_sentence_classifier(backbone, learning_rate=1e-3):
    """P(B is the continuation of A) from ``backbone``: :func:`build_bert_classifier` (masked mean of the
    pieces → Dropout → Dense(sigmoid)) compiled with Adam (a number or a schedule), binary
    cross-entropy and accuracy; the whole backbone trains.

    Example:
        >>> from coursework.models.bert.pretraining import build_tiny_bert
        >>> model = build_next_sentence_classifier(build_tiny_bert(50, num_layers=1, hidden_dim=16))
        >>> tuple(model.output.shape)
        (None, 1)
    """
    import keras

    from coursework.models.bert.classifier import build_bert_classifier

    model = build_bert_classifier(backbone, freeze_backbone=False)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model


def pair_dataset(x, labels, batch_size: int = 32, seed: int = 0):
    """A ``tf.data`` of ``(x, labels)`` batches, reshuffled at every epoch (KerasHub's ``fit`` does not
    shuffle NumPy inputs)."""
    import tensorflow as tf

    labels = np.asarray(labels)
    ds = tf.data.Dataset.from_tensor_slices((dict(x), labels))
    return ds.shuffle(len(labels), seed=seed, reshuffle_each_iteration=True).batch(batch_size).prefetch(2)


def shared_word_share(first, second, min_length: int = 4) -> np.ndarray:
    """Per pair, the Jaccard share of the lower-cased words of ``min_length``+ letters that A and B have
    in common: the signal a "same topic" rule uses, a reference for the next-sentence head.

    Example:
        >>> share = shared_word_share(["El presupuesto de sanidad"], ["Sanidad pide más presupuesto"])
        >>> share.round(2).tolist()
        [0.67]
    """
    from coursework.text import word_tokenize

    def words(text):
        return {w.lower() for w in word_tokenize(text) if len(w) >= min_length}

    shares = []
    for a, b in zip(first, second, strict=True):
        wa, wb = words(a), words(b)
        shares.append(len(wa & wb) / len(wa | wb) if wa | wb else 0.0)
    return np.asarray(shares)
