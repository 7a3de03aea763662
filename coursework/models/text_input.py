"""Raw strings in, predictions out: the text pre-processing travels *inside* the saved model.

A text classifier here is two parts:

- a **vectoriser**: any Keras layer that maps a batch of strings to what the body eats — a
  ``keras.layers.TextVectorization`` adapted on the training texts (word ids), or a KerasHub
  preprocessor (token ids + padding mask dict, for BERT-like bodies);
- a **body**: a ``keras.Model`` (or layer) from those ids to probabilities.

:func:`text_classifier` glues them into one :class:`coursework.layers.RawTextModel` (a Functional
``keras.Model``) whose input is a rank-1 string tensor. Train the body on pre-computed ids (fast,
allows bucketing with :func:`make_dataset`), then wrap it: the wrapper *shares* the body's weights,
so no copy or retraining is needed. Saved with ``model.save("x.keras")``, it reloads in a fresh
process with ``keras.saving.load_model`` after ``import coursework.layers`` (which registers
``RawTextModel`` and the package's layers) and answers raw text passed as a list of ``str``, a NumPy
``str`` or ``object`` array, or a string tensor — the same result for each, in ``predict``,
``evaluate``, ``fit`` and direct calls::

    import coursework.layers
    model = keras.saving.load_model("sentiment.keras")
    model.predict(["una crítica", "a moving, funny film"])            # shape (2, 1)
    model(np.array(["una crítica"]))                                  # direct call

Behaviour on awkward input (documented, and checked by :func:`check_texts` / :func:`predict_texts`):

- an empty batch → ``ValueError``; a non-string item (``None``, a number) → ``TypeError`` naming its
  position, from the model itself and from ``predict_texts``;
- an empty or blank string → ``ValueError`` from ``predict_texts``; the raw model answers it with
  every position masked (an LSTM then outputs the classifier bias: roughly the prior);
- only unknown words → all tokens become ``[UNK]`` (id 1), the model still answers;
  :func:`known_fraction` tells how much of each text the vocabulary knows;
- texts longer than ``sequence_length`` tokens are truncated (the first tokens are kept).

Example:
    >>> import numpy as np
    >>> vectorizer = make_vectorizer(["good film", "bad film"], sequence_length=4)
    >>> vectorizer(np.array(["good bad", "film"])).numpy().tolist()
    [[3, 4, 0, 0], [2, 0, 0, 0]]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

#: Built-in standardisation used by :func:`make_vectorizer`: lower case, ASCII punctuation removed
#: (``"Don't!"`` → ``"dont"``). GloVe 6B is lower-cased and knows these contracted forms.
STANDARDIZE = "lower_and_strip_punctuation"
PAD, UNK = "", "[UNK]"


def check_texts(texts, name: str = "texts") -> list[str]:
    """Validate a batch of texts and return it as a list of ``str``.

    The checks of :func:`coursework.layers.to_text_array` (what raw-text models run on their
    input), except that an empty batch is allowed, plus one: no blank text. Accepts a list, tuple,
    1-D NumPy array or string tensor (``bytes`` are decoded as UTF-8). A single string is rejected,
    because iterating it would classify each character.

    Raises:
        TypeError: if ``texts`` is a single string or an item is not a string (position named).
        ValueError: if an item is empty or only whitespace (position named).

    Example:
        >>> check_texts(np.array(["buena", "mala"]))
        ['buena', 'mala']
    """
    from coursework.layers.text_model import to_text_array

    out = to_text_array(texts, name, allow_empty=True).tolist()
    for i, item in enumerate(out):
        if not item.strip():
            raise ValueError(f"{name}[{i}] is empty: there is nothing to classify.")
    return out


def make_vectorizer(
    texts: Iterable[str] | None = None,
    max_tokens: int | None = 20_000,
    sequence_length: int | None = 64,
    vocabulary: Sequence[str] | None = None,
    standardize: str | None = STANDARDIZE,
):
    """A word-level ``TextVectorization`` adapted on ``texts`` (or given a ``vocabulary``).

    Index 0 is padding, 1 is ``[UNK]``, then words by decreasing frequency. With a fixed
    ``sequence_length`` every output row has that length (padded with 0, truncated at the end);
    ``None`` pads to the longest text of each batch.

    Args:
        texts: training texts to learn the vocabulary from (ignored if ``vocabulary`` is given).
        max_tokens: vocabulary size including padding and ``[UNK]`` (``None``: all words).
        sequence_length: fixed output length, or ``None``.
        vocabulary: explicit word list (without padding / ``[UNK]``), instead of adapting.
        standardize: a built-in ``TextVectorization`` standardisation (keeps the saved model
            loadable without this package).

    Example:
        >>> [str(w) for w in make_vectorizer(["b a a"]).get_vocabulary()]
        ['', '[UNK]', 'a', 'b']
    """
    import keras

    if standardize not in ("lower_and_strip_punctuation", "lower", "strip_punctuation", None):
        raise ValueError(
            f"standardize={standardize!r}: use a built-in TextVectorization option so "
            "the saved model loads without custom code."
        )
    layer = keras.layers.TextVectorization(
        max_tokens=max_tokens,
        standardize=standardize,
        output_mode="int",
        output_sequence_length=sequence_length,
        vocabulary=list(vocabulary) if vocabulary is not None else None,
    )
    if vocabulary is None:
        if texts is None:
            raise ValueError("Give the training texts to adapt on, or an explicit vocabulary.")
        texts = check_texts(texts, "texts")
        if not texts:
            raise ValueError("Cannot adapt a vectoriser on an empty list of texts.")
        layer.adapt(np.array(texts, dtype=object), batch_size=1024)
    return layer


def text_classifier(vectorizer, body, name: str = "text_classifier"):
    """One model from raw strings to the body's output: ``body(vectorizer(text))``.

    The returned :class:`~coursework.layers.RawTextModel` shares ``body``'s weights (train the body,
    then wrap it; or wrap first and train the wrapper). Its input is a rank-1 string tensor; its
    ``predict`` / ``evaluate`` / ``fit`` / direct calls take a list of strings too, also after
    ``model.save`` and, in a fresh process, ``import coursework.layers`` + ``keras.saving.load_model``.

    Args:
        vectorizer: a layer mapping a batch of strings to the body's input (``TextVectorization``,
            a KerasHub preprocessor, …).
        body: a ``keras.Model`` or layer taking that input.
        name: the model's name.

    Example:
        >>> import keras
        >>> vec = make_vectorizer(["good film", "bad film"], sequence_length=4)
        >>> body = keras.Sequential([keras.layers.Embedding(5, 2), keras.layers.GlobalAveragePooling1D(),
        ...                          keras.layers.Dense(1, activation="sigmoid")])
        >>> text_classifier(vec, body).predict(["good film"], verbose=0).shape
        (1, 1)
    """
    import keras

    from coursework.layers.text_model import RawTextModel

    if not callable(vectorizer) or not callable(body):
        raise TypeError("text_classifier(vectorizer, body) takes two Keras layers or models.")
    inputs = keras.Input(shape=(), dtype="string", name="text")
    return RawTextModel(inputs, body(vectorizer(inputs)), name=name)


def predict_texts(model, texts, batch_size: int = 256) -> np.ndarray:
    """Validated prediction on raw texts: probabilities of shape ``(len(texts),)`` (binary) or
    ``(len(texts), n_classes)``.

    Raises:
        TypeError / ValueError: for bad items (see :func:`check_texts`).

    Example:
        >>> predict_texts(model, ["a moving film"])   # doctest: +SKIP
        array([0.87], dtype=float32)
    """
    texts = check_texts(texts)
    if not texts:
        return np.zeros((0,), dtype="float32")
    probs = np.asarray(model.predict(np.array(texts, dtype=object), batch_size=batch_size, verbose=0))
    return probs[:, 0] if probs.ndim == 2 and probs.shape[1] == 1 else probs


def known_fraction(vectorizer, texts) -> np.ndarray:
    """Fraction of each text's tokens that are in the vectoriser's vocabulary (not ``[UNK]``).

    A text of only unknown words gets 0.0: the model will answer it, but from ``[UNK]`` alone.

    Example:
        >>> vec = make_vectorizer(["good film"])
        >>> known_fraction(vec, ["good zzz", "qqq"]).tolist()
        [0.5, 0.0]
    """
    texts = check_texts(texts)
    ids = np.asarray(vectorizer(np.array(texts, dtype=object)))
    tokens = (ids != 0).sum(axis=1)
    known = (ids > 1).sum(axis=1)
    return np.where(tokens > 0, known / np.maximum(tokens, 1), 0.0)


def make_dataset(
    texts,
    labels,
    vectorizer,
    batch_size: int = 64,
    shuffle: bool = False,
    seed: int = 0,
    bucket_boundaries: Sequence[int] | None = None,
):
    """A ``tf.data.Dataset`` of ``(word ids, label)`` batches, optionally **bucketed** by length.

    Without buckets every batch has the vectoriser's length (padding). With ``bucket_boundaries``
    (e.g. ``[8, 16, 24, 32]``) texts of similar length are batched together and padded only to their
    batch's longest text: much less work for an RNN, same result with a masking ``Embedding``.
    Trailing padding is stripped before bucketing, so the vectoriser may have a fixed length.

    Example:
        >>> vec = make_vectorizer(["good film", "bad film"], sequence_length=8)
        >>> ds = make_dataset(["good film", "bad"], [1, 0], vec, batch_size=2, bucket_boundaries=[4])
        >>> [x.shape[1] for x, _ in ds]
        [2]
    """
    import tensorflow as tf

    texts = check_texts(texts)
    labels = np.asarray(labels)
    if len(labels) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels.")
    ids = np.asarray(vectorizer(np.array(texts, dtype=object)))
    lengths = np.maximum((ids != 0).sum(axis=1), 1)
    if bucket_boundaries is None:
        ds = tf.data.Dataset.from_tensor_slices((ids, labels))
        if shuffle:
            ds = ds.shuffle(len(texts), seed=seed, reshuffle_each_iteration=True)
        return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
    ds = tf.data.Dataset.from_tensor_slices((ids, lengths, labels))
    if shuffle:
        ds = ds.shuffle(len(texts), seed=seed, reshuffle_each_iteration=True)
    ds = ds.map(lambda x, n, y: (x[:n], y))  # strip the trailing padding
    boundaries = sorted(int(b) for b in bucket_boundaries)
    ds = ds.bucket_by_sequence_length(
        element_length_func=lambda x, y: tf.shape(x)[0],
        bucket_boundaries=boundaries,
        bucket_batch_sizes=[batch_size] * (len(boundaries) + 1),
        pad_to_bucket_boundary=False,
    )
    # The number of batches is fixed (bucket sizes do not depend on the shuffle): tell tf.data, so
    # Keras shows a complete progress bar and does not warn that the data "ran out".
    edges = np.searchsorted(boundaries, lengths, side="right")
    batches = int(sum(-(-int((edges == b).sum()) // batch_size) for b in range(len(boundaries) + 1)))
    ds = ds.apply(tf.data.experimental.assert_cardinality(batches))
    return ds.prefetch(tf.data.AUTOTUNE)
