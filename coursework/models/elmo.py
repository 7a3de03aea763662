"""ELMo-style contextual word vectors: a bidirectional LSTM language model and what its states show.

:func:`build_bilm` is a forward and a backward LSTM language model over one shared word embedding
and one shared softmax (Peters et al., 2018, in small): at each position the forward LSTM, which has
read the words to the left, predicts the next word, and the backward LSTM, which has read the words
to the right, predicts the previous one. The **contextual vector** of a word is the concatenation of
the two hidden states at its position (:func:`contextual_vectors`); the embedding alone gives the
same vector in every sentence, like word2vec.

:func:`nearest_sense_accuracy` measures whether vectors cluster by sense: each sentence takes the
sense of its most similar other sentence (cosine, leave-one-out) of the same word.

Example:
    >>> model = build_bilm(["", "[UNK]", "el", "banco", "de", "la", "plaza"], embedding_dim=4, units=3)
    >>> outputs = model(np.array([[2, 3, 4]]))
    >>> {name: tuple(value.shape) for name, value in outputs.items()}
    {'next_word': (1, 3, 7), 'previous_word': (1, 3, 7)}
    >>> states = bilm_states(model, np.array([[2, 3, 4, 5, 6]]))
    >>> {name: tuple(value.shape) for name, value in states.items()}
    {'embedding': (1, 5, 4), 'forward': (1, 5, 3), 'backward': (1, 5, 3)}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import numpy as np

from coursework.layers.vocabulary import TokenVocabulary

#: the model's two outputs: the forward LM's next word, the backward LM's previous word.
OUTPUTS = ("next_word", "previous_word")
#: what :func:`bilm_states` returns, the "layers" ELMo mixes.
STATES = ("embedding", "forward", "backward")
UNKNOWN = "[UNK]"


def build_bilm(vocabulary: Sequence[str], embedding_dim: int = 64, units: int = 128, name: str = "bilm"):
    """Word ids → Embedding → forward and backward LSTM → one shared softmax per direction.

    ``vocabulary`` (id order; ``""`` padding at 0 and ``"[UNK]"`` at 1 by convention) travels inside
    the model in a :class:`~coursework.layers.vocabulary.TokenVocabulary` layer. The two LSTMs are
    ``keras.layers.Bidirectional(..., merge_mode=None)``: the backward states come back in the
    input's time order, so position ``t`` of both outputs belongs to word ``t``.

    Returns an uncompiled ``keras.Model`` with outputs ``{"next_word", "previous_word"}``, each a
    softmax over the vocabulary at every position.

    Raises:
        ValueError: empty vocabulary, or a size that is not a positive integer.
    """
    vocabulary = list(vocabulary)
    for label, value in (("embedding_dim", embedding_dim), ("units", units)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}.")
    inputs = keras.Input((None,), dtype="int32", name="word_ids")
    ids = TokenVocabulary(vocabulary, level="word", output_mode="int", name="vocabulary")(inputs)
    embedded = keras.layers.Embedding(len(vocabulary), embedding_dim, name="embedding")(ids)
    forward, backward = keras.layers.Bidirectional(
        keras.layers.LSTM(units, return_sequences=True), merge_mode=None, name="bilstm"
    )(embedded)
    softmax = keras.layers.Dense(len(vocabulary), activation="softmax", name="softmax")
    outputs = {"next_word": softmax(forward), "previous_word": softmax(backward)}
    return keras.Model(inputs, outputs, name=name)


def bilm_windows(blocks: Sequence[np.ndarray], window: int):
    """Training windows of a biLM, cut inside each block: ``x`` (``window`` ids) and the targets
    ``{"next_word": the id after each position, "previous_word": the id before it}``.

    Example:
        >>> x, y = bilm_windows([np.arange(9)], window=3)
        >>> x.tolist(), y["next_word"].tolist(), y["previous_word"].tolist()
        ([[1, 2, 3], [5, 6, 7]], [[2, 3, 4], [6, 7, 8]], [[0, 1, 2], [4, 5, 6]])
    """
    from coursework.datasets.char_corpus import make_windows

    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}.")
    chunks, after = make_windows(blocks, window + 1)  # window + 2 tokens: one before, one after
    return chunks[:, 1:], {"next_word": after[:, 1:], "previous_word": chunks[:, :-1]}


def bilm_states(model, ids) -> dict[str, np.ndarray]:
    """The embedding and the forward and backward LSTM states of ``model`` (built by
    :func:`build_bilm`) for a batch of id sequences: ``{"embedding", "forward", "backward"}``, each
    ``(batch, time, features)``. Sequences must have the same length (no padding: the backward
    LSTM would read the padding first)."""
    key = "_coursework_states_model"
    probe = getattr(model, key, None)
    if probe is None:
        forward, backward = model.get_layer("bilstm").output
        probe = keras.Model(model.inputs[0], [model.get_layer("embedding").output, forward, backward])
        setattr(model, key, probe)
    values = probe(np.asarray(ids, dtype="int32"), training=False)
    return {name: np.asarray(value) for name, value in zip(STATES, values, strict=True)}


def contextual_vectors(
    model,
    vocabulary: Sequence[str],
    sentences: Sequence[str],
    word: str | Sequence[str],
    states: Sequence[str] = ("forward", "backward"),
    tokenize: Callable[[str], list[str]] | None = None,
) -> np.ndarray:
    """The vector of ``word`` in each sentence: the ``states`` at its first position, concatenated
    (default: forward and backward LSTM, ELMo's contextual vector; ``("embedding",)`` gives the same
    vector in every sentence). ``word`` is one word for all sentences or one per sentence. Words
    outside ``vocabulary`` read as ``"[UNK]"``; sentences of equal length run as one batch.

    ``tokenize`` defaults to :func:`coursework.text.standardize_words` (the class-4 word tokeniser).

    Raises:
        ValueError: an unknown state name, or a sentence without its word.
    """
    from coursework.text import Vocabulary, standardize_words

    unknown = [s for s in states if s not in STATES]
    if unknown or not states:
        raise ValueError(f"states must be a non-empty selection of {STATES}, got {list(states)!r}.")
    tokenize = tokenize or standardize_words
    vocabulary = vocabulary if isinstance(vocabulary, Vocabulary) else Vocabulary(vocabulary)
    words = [word] * len(sentences) if isinstance(word, str) else list(word)
    if len(words) != len(sentences):
        raise ValueError(f"{len(sentences)} sentences but {len(words)} words.")
    tokens = [tokenize(sentence) for sentence in sentences]
    for i, (target, sentence) in enumerate(zip(words, tokens, strict=True)):
        if target not in sentence:
            raise ValueError(f"{target!r} does not occur in sentence {i}: {sentences[i]!r}.")
    rows = [None] * len(sentences)
    for length in sorted({len(t) for t in tokens}):
        batch = [i for i, t in enumerate(tokens) if len(t) == length]
        ids = np.array([vocabulary.lookup(tokens[i], unknown=UNKNOWN) for i in batch])
        values = bilm_states(model, ids)
        for row, i in enumerate(batch):
            position = tokens[i].index(words[i])
            rows[i] = np.concatenate([values[s][row, position] for s in states])
    return np.stack(rows)


def _neighbour_scores(vectors, senses, groups) -> np.ndarray:
    """Per sentence: the share of its nearest other sentences (cosine, same group) with its sense."""
    vectors = np.asarray(vectors, dtype="float64")
    senses = np.asarray(senses)
    groups = np.zeros(len(senses), dtype=int) if groups is None else np.asarray(groups)
    if not (len(vectors) == len(senses) == len(groups)):
        raise ValueError(f"{len(vectors)} vectors, {len(senses)} senses and {len(groups)} groups differ.")
    if vectors.ndim == 2:
        from sklearn.metrics.pairwise import cosine_similarity

        similarity = cosine_similarity(vectors)
    else:
        similarity = None
    scores = np.empty(len(senses))
    for i in range(len(senses)):
        others = np.flatnonzero((groups == groups[i]) & (np.arange(len(senses)) != i))
        if others.size == 0:
            raise ValueError(f"Sentence {i} is alone in its group: it has no neighbour.")
        if similarity is None:  # chance: every other sentence is as near
            nearest = others
        else:
            best = similarity[i, others].max()
            nearest = others[np.isclose(similarity[i, others], best, rtol=0, atol=1e-9)]
        scores[i] = np.mean(senses[nearest] == senses[i])
    return scores


def nearest_sense_accuracy(vectors, senses, groups=None) -> float:
    """Leave-one-out nearest-sense accuracy: each sentence takes the sense of its most similar
    *other* sentence (cosine) of the same group (word); the share that get their own sense right.

    Ties count as a random pick among the tied sentences (the expected accuracy), so identical
    vectors (one vector per word, as word2vec gives) score exactly :func:`chance_accuracy`.

    Example:
        >>> v = [[1.0, 0.1], [0.9, 0.0], [0.0, 1.0], [0.1, 0.8]]
        >>> nearest_sense_accuracy(v, ["a", "a", "b", "b"])
        1.0
        >>> senses = ["a", "a", "b", "b"]
        >>> nearest_sense_accuracy([[1.0, 0.0]] * 4, senses) == chance_accuracy(senses)
        True
    """
    return float(_neighbour_scores(vectors, senses, groups).mean())


def chance_accuracy(senses, groups=None) -> float:
    """The expected :func:`nearest_sense_accuracy` of a neighbour picked at random among the other
    sentences of the same group (with two senses of 6 sentences each: 5 / 11 ≈ 0.455).

    Example:
        >>> round(chance_accuracy(["a"] * 6 + ["b"] * 6), 4)
        0.4545
    """
    return float(_neighbour_scores(np.zeros(len(senses)), senses, groups).mean())
