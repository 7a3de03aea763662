"""Language models: the seed's character generator and a word-level next-word model (class 4).

Both take integer token ids and start with a :class:`~coursework.layers.vocabulary.TokenVocabulary`
layer that carries the vocabulary inside the saved model, so ``coursework generate`` can encode a
prompt and decode the output in a fresh process.

Example:
    >>> from coursework.models.generator import build_char_generator
    >>> build_char_generator(vocab_size=60).count_params()     # the seed's LSTM 128 → softmax
    104508
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from coursework.layers.vocabulary import TokenVocabulary

CELLS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}


def _check_positive(**values) -> None:
    for label, value in values.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"{label} must be a positive integer, got {value!r}.")


def _vocabulary(vocab_size, vocabulary, placeholder: str) -> list[str]:
    if vocabulary is None:
        _check_positive(vocab_size=vocab_size)
        return [f"{placeholder}{i}" for i in range(vocab_size)]
    vocabulary = list(vocabulary)
    if vocab_size is not None and vocab_size != len(vocabulary):
        raise ValueError(f"vocab_size={vocab_size} but the vocabulary has {len(vocabulary)} tokens.")
    return vocabulary


def _recurrent_stack(x, units: int, num_layers: int, cell: str, return_sequences: bool, dropout: float):
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}.")
    for index in range(num_layers):
        last = index == num_layers - 1
        x = CELLS[cell](units, return_sequences=return_sequences or not last, name=f"{cell}_{index + 1}")(x)
        if dropout and not last:
            x = keras.layers.Dropout(dropout, name=f"dropout_{index + 1}")(x)
    return x


def build_char_generator(
    vocab_size: int | None = None,
    window: int | None = 40,
    units: int = 128,
    embedding_dim: int | None = None,
    num_layers: int = 1,
    cell: str = "lstm",
    vocabulary: Sequence[str] | None = None,
    return_sequences: bool = False,
    dropout: float = 0.0,
    name: str = "char_generator",
) -> keras.Model:
    """The seed's character generator: one-hot window → LSTM 128 → softmax over characters.

    Args:
        vocab_size: number of characters (may be omitted when ``vocabulary`` is given).
        window: input length (``None``: any length).
        units: recurrent units per layer.
        embedding_dim: learn an ``Embedding`` of this size instead of the one-hot input.
        num_layers: stacked recurrent layers.
        cell: ``"lstm"`` (seed), ``"gru"`` or ``"simple_rnn"`` (class 4's comparison of cells).
        vocabulary: the characters in id order, stored in the model (placeholders if omitted).
        return_sequences: predict the next character at every position (trains on every position of
            a window) instead of only after the last one (the seed).
        dropout: dropout between stacked recurrent layers.

    Returns:
        An uncompiled model from int ids ``(batch, window)`` to probabilities ``(batch, vocab)``
        (or ``(batch, window, vocab)`` with ``return_sequences``).

    Example:
        >>> model = build_char_generator(40, window=10, units=32, cell="gru", num_layers=2)
        >>> model.input_shape, model.output_shape
        ((None, 10), (None, 40))
    """
    vocabulary = _vocabulary(vocab_size, vocabulary, "<c")
    _check_positive(window=window, units=units, embedding_dim=embedding_dim, num_layers=num_layers)
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
    inputs = keras.Input((window,), dtype="int32", name="char_ids")
    mode = "int" if embedding_dim else "one_hot"
    x = TokenVocabulary(vocabulary, level="char", output_mode=mode, name="vocabulary")(inputs)
    if embedding_dim:
        x = keras.layers.Embedding(len(vocabulary), embedding_dim, name="embedding")(x)
    x = _recurrent_stack(x, units, num_layers, cell, return_sequences, dropout)
    outputs = keras.layers.Dense(len(vocabulary), activation="softmax", name="next_char")(x)
    return keras.Model(inputs, outputs, name=name)


def build_word_lm(
    vocab_size: int | None = None,
    embedding_dim: int = 64,
    units: int = 128,
    window: int | None = None,
    num_layers: int = 1,
    cell: str = "lstm",
    vocabulary: Sequence[str] | None = None,
    return_sequences: bool = True,
    dropout: float = 0.0,
    name: str = "word_lm",
) -> keras.Model:
    """Next-word model: word ids → Embedding → LSTM → softmax over the vocabulary (class 4's challenge).

    ``vocabulary`` is the ``TextVectorization`` vocabulary (``""`` padding at id 0, ``"[UNK]"`` at 1).

    Example:
        >>> model = build_word_lm(1000, embedding_dim=16, units=32)
        >>> model.input_shape, model.output_shape
        ((None, None), (None, None, 1000))
    """
    vocabulary = _vocabulary(vocab_size, vocabulary, "<w")
    _check_positive(window=window, units=units, embedding_dim=embedding_dim, num_layers=num_layers)
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
    inputs = keras.Input((window,), dtype="int32", name="word_ids")
    x = TokenVocabulary(vocabulary, level="word", output_mode="int", name="vocabulary")(inputs)
    x = keras.layers.Embedding(len(vocabulary), embedding_dim, name="embedding")(x)
    x = _recurrent_stack(x, units, num_layers, cell, return_sequences, dropout)
    outputs = keras.layers.Dense(len(vocabulary), activation="softmax", name="next_word")(x)
    return keras.Model(inputs, outputs, name=name)


def vocabulary_of(model) -> TokenVocabulary:
    """The :class:`TokenVocabulary` layer of a language model built here.

    Raises:
        TypeError: if ``model`` is not a Keras model or has no ``TokenVocabulary`` layer.
    """
    layers = getattr(model, "layers", None)
    if layers is None:
        raise TypeError(f"Expected a Keras model, got {type(model).__name__}.")
    for layer in layers:
        if isinstance(layer, TokenVocabulary):
            return layer
    raise TypeError(
        f"Model {getattr(model, 'name', '?')!r} has no TokenVocabulary layer: build it with "
        "coursework.models.generator.build_char_generator or build_word_lm."
    )
