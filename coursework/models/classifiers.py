"""Text classifiers over word ids (seed deck 003 "Clasificación de texto"; seed deck 004's comparison).

Every builder returns an **uncompiled** ``keras.Model`` from word ids ``(batch, time)`` (0 = padding)
to one sigmoid probability ``(batch, 1)`` (or a softmax over ``n_classes`` when ``n_classes > 2``).
Wrap it with :func:`coursework.models.text_input.text_classifier` to get a model on raw strings.
Only built-in Keras layers are used, so a saved model loads without this package.

- :func:`build_lstm_classifier`: the seed's network, Embedding(mask_zero) → Dropout → LSTM → Dropout
  → LSTM → Dropout → Dense(sigmoid), with random (or given) embeddings;
- :func:`build_glove_classifier`: any of these architectures with the Embedding initialised from a
  gensim ``KeyedVectors`` (GloVe), frozen (``trainable=False``) or fine-tuned;
- :func:`build_bilstm_classifier`: Embedding → Dropout → Bidirectional(LSTM) → Dropout → Dense;
- :func:`build_cnn_classifier`: Embedding → Dropout → 2 × Conv1D → GlobalMaxPooling1D → Dropout → Dense
  (no mask: convolutions see the zero padding, so train and predict with the same fixed length).

Example:
    >>> model = build_lstm_classifier(vocab_size=1000, embedding_dim=16, units=8)
    >>> model.output_shape
    (None, 1)
"""

from __future__ import annotations

import numpy as np

ARCHITECTURES = ("lstm", "bilstm", "cnn")


def _check_positive(**values) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def _embedding(vocab_size, embedding_dim, embedding_matrix, trainable, mask_zero, name="embedding"):
    import keras

    _check_positive(vocab_size=vocab_size, embedding_dim=embedding_dim)
    if embedding_matrix is None:
        return keras.layers.Embedding(
            vocab_size, embedding_dim, mask_zero=mask_zero, trainable=trainable, name=name
        )
    matrix = np.asarray(embedding_matrix, dtype="float32")
    if matrix.shape != (vocab_size, embedding_dim):
        raise ValueError(
            f"embedding_matrix has shape {matrix.shape} but the model needs (vocab_size, "
            f"embedding_dim) = ({vocab_size}, {embedding_dim}): build it from the same vocabulary and "
            "vectors of that dimension (e.g. GloVe 50d → embedding_dim=50)."
        )
    if not np.isfinite(matrix).all():
        raise ValueError("embedding_matrix contains NaN or infinite values.")
    return keras.layers.Embedding(
        vocab_size,
        embedding_dim,
        mask_zero=mask_zero,
        trainable=trainable,
        embeddings_initializer=keras.initializers.Constant(matrix),
        name=name,
    )


def _head(x, n_classes: int):
    import keras

    if n_classes <= 2:
        return keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    return keras.layers.Dense(n_classes, activation="softmax", name="probabilities")(x)


def build_lstm_classifier(
    vocab_size: int,
    embedding_dim: int = 50,
    units: int = 128,
    dropout: float = 0.5,
    embedding_matrix=None,
    trainable_embeddings: bool = True,
    n_classes: int = 2,
    name: str = "lstm_classifier",
):
    """The seed's two-layer LSTM classifier over word ids.

    Args:
        vocab_size: rows of the embedding (the vectoriser's vocabulary size, padding included).
        embedding_dim: width of the word vectors.
        units: LSTM units of each layer.
        dropout: rate of the three Dropout layers.
        embedding_matrix: optional ``(vocab_size, embedding_dim)`` initial vectors.
        trainable_embeddings: ``False`` freezes the embedding.
        n_classes: 2 → one sigmoid output; more → softmax.

    Example:
        >>> build_lstm_classifier(100, 8, units=4).count_params()
        1157
    """
    import keras

    _check_positive(units=units, n_classes=n_classes)
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    ids = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    x = _embedding(vocab_size, embedding_dim, embedding_matrix, trainable_embeddings, True)(ids)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.LSTM(units, return_sequences=True, name="lstm_1")(x)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.LSTM(units, name="lstm_2")(x)
    x = keras.layers.Dropout(dropout)(x)
    return keras.Model(ids, _head(x, n_classes), name=name)


def build_bilstm_classifier(
    vocab_size: int,
    embedding_dim: int = 50,
    units: int = 64,
    dropout: float = 0.5,
    embedding_matrix=None,
    trainable_embeddings: bool = True,
    n_classes: int = 2,
    name: str = "bilstm_classifier",
):
    """One bidirectional LSTM layer (seed deck 004's "1x BiRNN"); arguments as
    :func:`build_lstm_classifier` (``units`` per direction).

    Example:
        >>> build_bilstm_classifier(100, 8, units=4).output_shape
        (None, 1)
    """
    import keras

    _check_positive(units=units, n_classes=n_classes)
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    ids = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    x = _embedding(vocab_size, embedding_dim, embedding_matrix, trainable_embeddings, True)(ids)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.Bidirectional(keras.layers.LSTM(units), name="bilstm")(x)
    x = keras.layers.Dropout(dropout)(x)
    return keras.Model(ids, _head(x, n_classes), name=name)


def build_cnn_classifier(
    vocab_size: int,
    embedding_dim: int = 50,
    filters: int = 128,
    kernel_size: int = 3,
    dropout: float = 0.5,
    embedding_matrix=None,
    trainable_embeddings: bool = True,
    n_classes: int = 2,
    name: str = "cnn_classifier",
):
    """Two 1-D convolutions and global max pooling (seed deck 004's "2x CNN 1D").

    The embedding does not mask (convolutions cannot skip positions), so the padding row takes part:
    train and predict with the same fixed sequence length.

    Example:
        >>> build_cnn_classifier(100, 8, filters=4).output_shape
        (None, 1)
    """
    import keras

    _check_positive(filters=filters, kernel_size=kernel_size, n_classes=n_classes)
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    ids = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    x = _embedding(vocab_size, embedding_dim, embedding_matrix, trainable_embeddings, False)(ids)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.Conv1D(filters, kernel_size, padding="same", activation="relu", name="conv_1")(x)
    x = keras.layers.Conv1D(filters, kernel_size, padding="same", activation="relu", name="conv_2")(x)
    x = keras.layers.GlobalMaxPooling1D(name="max_over_time")(x)
    x = keras.layers.Dropout(dropout)(x)
    return keras.Model(ids, _head(x, n_classes), name=name)


_BUILDERS = {"lstm": build_lstm_classifier, "bilstm": build_bilstm_classifier, "cnn": build_cnn_classifier}


def build_glove_classifier(
    vocabulary,
    keyed_vectors,
    trainable: bool = False,
    architecture: str = "lstm",
    oov: str = "random",
    normalize: str | None = None,
    seed: int = 0,
    **kwargs,
):
    """A classifier whose Embedding starts from pre-trained vectors (GloVe), frozen or fine-tuned.

    Args:
        vocabulary: the vectoriser (``TextVectorization``), its word list, or a word → id dict.
        keyed_vectors: a gensim ``KeyedVectors`` (e.g. :func:`coursework.embeddings.load_glove`);
            its ``vector_size`` is the embedding width.
        trainable: ``False`` keeps the vectors fixed; ``True`` fine-tunes them.
        architecture: ``"lstm"`` (seed network), ``"bilstm"`` or ``"cnn"``.
        oov, normalize, seed: how :func:`coursework.embeddings.build_embedding_matrix` fills the
            matrix (documented there).
        **kwargs: passed to the architecture's builder (``units``, ``dropout``, ``n_classes``, …).

    The coverage report is attached as ``model.embedding_coverage`` (not saved with the model).

    Raises:
        ValueError: unknown architecture, or an ``embedding_dim`` that differs from the vectors'.

    Example:
        >>> from coursework.embeddings import load_glove
        >>> model = build_glove_classifier(["", "[UNK]", "good", "bad"], load_glove(), units=4)
        >>> model.embedding_coverage.hits
        2
    """
    from coursework.embeddings import build_embedding_matrix

    if architecture not in _BUILDERS:
        raise ValueError(f"Unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}.")
    matrix, coverage = build_embedding_matrix(
        vocabulary, keyed_vectors, oov=oov, normalize=normalize, seed=seed
    )
    dim = kwargs.pop("embedding_dim", matrix.shape[1])
    if dim != matrix.shape[1]:
        raise ValueError(
            f"embedding_dim={dim} but the pre-trained vectors have dimension "
            f"{matrix.shape[1]}; leave embedding_dim out or load vectors of width {dim}."
        )
    kwargs.setdefault("name", f"glove_{architecture}_classifier")
    model = _BUILDERS[architecture](
        matrix.shape[0],
        matrix.shape[1],
        embedding_matrix=matrix,
        trainable_embeddings=bool(trainable),
        **kwargs,
    )
    model.embedding_coverage = coverage
    return model


def build_classifier(architecture: str, vocab_size: int, **kwargs):
    """Any architecture by name (``"lstm"``, ``"bilstm"``, ``"cnn"``) with random embeddings.

    Example:
        >>> build_classifier("cnn", 50, embedding_dim=4, filters=2).name
        'cnn_classifier'
    """
    if architecture not in _BUILDERS:
        raise ValueError(f"Unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}.")
    return _BUILDERS[architecture](vocab_size, **kwargs)
