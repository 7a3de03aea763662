"""Fast text generation from a trained recurrent language model: sampling, beam search, top-k.

The seed's loop calls ``model.predict`` on a whole window for every new character (~11 characters/s
here). This module instead builds a :class:`RecurrentStepper` once from the trained weights: it reads
the prompt once and then advances the recurrent state **one token per step** (NumPy, float32). The
next-token distribution it gives is the full model's on the same prefix (tested to 1e-5).

Why NumPy and not a compiled ``tf.function`` step: on the course machines (2 shared CPU cores) one
call of a compiled Keras step costs milliseconds of dispatch overhead, while one NumPy step of an
LSTM 128 costs tens of microseconds; NumPy is also backend-agnostic. ``benchmarks/generation.py``
measures both loops against the seed's.

Characters (``level="char"``): prompts are lowercased if the model's vocabulary has no upper-case
letters, whitespace runs become one space, rare characters map to their base letter
(``"à"`` → ``"a"``); any other character outside the vocabulary raises ``ValueError`` listing it.
Words (``level="word"``): prompts are standardised like ``TextVectorization`` (lowercase, no
punctuation) and unknown words become ``"[UNK]"``; generation never emits ``""`` (padding) or
``"[UNK]"``. An empty prompt raises ``ValueError``.

Example:
    >>> from coursework.generation.text import generate, beam_search     # doctest: +SKIP
    >>> generate(model, "señorías, ", length=200, temperature=0.5, seed=0)  # doctest: +SKIP
    >>> beam_search(model, "señorías, ", beam_width=5, max_length=40)      # doctest: +SKIP
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from coursework.generation.search import (
    DEFAULT_TEMPERATURE,
    ProgressFn,
    beam_search_steps,
    check_limits,
    sample_steps,
)
from coursework.text import as_text, standardize_words


def _sigmoid(z):
    return 0.5 * (np.tanh(0.5 * z) + 1.0)  # overflow-free logistic


def _activation(name: str):
    functions = {
        "tanh": np.tanh,
        "sigmoid": _sigmoid,
        "relu": lambda z: np.maximum(z, 0.0),
        "linear": lambda z: z,
    }
    if name not in functions:
        raise ValueError(f"Unsupported recurrent activation {name!r} for fast generation.")
    return functions[name]


class _Recurrent:
    """One LSTM or GRU layer's weights and its single-step update (Keras equations and gate order)."""

    def __init__(self, layer):
        import keras

        cell = layer.cell if hasattr(layer, "cell") else layer
        self.kind = "lstm" if isinstance(layer, keras.layers.LSTM) else "gru"
        self.units = int(cell.units)
        self.activation = _activation(
            keras.activations.serialize(cell.activation)
            if not isinstance(cell.activation, str)
            else cell.activation
        )
        recurrent = cell.recurrent_activation
        self.recurrent_activation = _activation(
            recurrent if isinstance(recurrent, str) else keras.activations.serialize(recurrent)
        )
        self.kernel = np.asarray(cell.kernel, dtype="float32")
        self.recurrent_kernel = np.asarray(cell.recurrent_kernel, dtype="float32")
        zero_bias = np.zeros(self.kernel.shape[1], dtype="float32")
        if self.kind == "lstm":
            self.bias = np.asarray(cell.bias, dtype="float32") if cell.use_bias else zero_bias
        else:
            if not cell.reset_after:
                raise ValueError("Fast generation supports GRU layers with reset_after=True (the default).")
            bias = (
                np.asarray(cell.bias, dtype="float32")
                if cell.use_bias
                else np.zeros((2,) + zero_bias.shape, dtype="float32")
            )
            self.bias, self.recurrent_bias = bias[0], bias[1]
        if getattr(layer, "go_backwards", False) or getattr(layer, "stateful", False):
            raise ValueError(f"Layer {layer.name!r}: backwards or stateful layers are not supported.")
        # Fast path for the default LSTM (sigmoid gates, tanh cell): sigmoid(z) = (tanh(z / 2) + 1) / 2,
        # so with the i, f, o columns of the weights halved, ONE tanh gives all four gates.
        self.fused = (
            self.kind == "lstm" and self.activation is np.tanh and self.recurrent_activation is _sigmoid
        )
        if self.fused:
            u = self.units
            scale = np.full(4 * u, 0.5, dtype="float32")
            scale[2 * u : 3 * u] = 1.0
            self.kernel = self.kernel * scale
            self.recurrent_kernel = self.recurrent_kernel * scale
            self.bias = self.bias * scale
            self._gate_scale = np.where(scale == 0.5, 0.5, 1.0).astype("float32")
            self._gate_shift = np.where(scale == 0.5, 0.5, 0.0).astype("float32")

    def zero_state(self, batch: int) -> list[np.ndarray]:
        shape = (batch, self.units)
        return (
            [np.zeros(shape, "float32"), np.zeros(shape, "float32")]
            if self.kind == "lstm"
            else [np.zeros(shape, "float32")]
        )

    def step(self, projected, state):
        """``projected`` = input @ kernel + bias, precomputed; returns (output, new_state)."""
        units = self.units
        if self.kind == "lstm" and self.fused:
            h, c = state
            gates = np.tanh(projected + h @ self.recurrent_kernel)
            gates *= self._gate_scale
            gates += self._gate_shift
            c = gates[:, units : 2 * units] * c + gates[:, :units] * gates[:, 2 * units : 3 * units]
            h = gates[:, 3 * units :] * np.tanh(c)
            return h, [h, c]
        if self.kind == "lstm":
            h, c = state
            z = projected + h @ self.recurrent_kernel
            i = self.recurrent_activation(z[:, :units])
            f = self.recurrent_activation(z[:, units : 2 * units])
            g = self.activation(z[:, 2 * units : 3 * units])
            o = self.recurrent_activation(z[:, 3 * units :])
            c = f * c + i * g
            h = o * self.activation(c)
            return h, [h, c]
        (h,) = state
        inner = h @ self.recurrent_kernel + self.recurrent_bias
        z = self.recurrent_activation(projected[:, :units] + inner[:, :units])
        r = self.recurrent_activation(projected[:, units : 2 * units] + inner[:, units : 2 * units])
        candidate = self.activation(projected[:, 2 * units :] + r * inner[:, 2 * units :])
        h = z * h + (1.0 - z) * candidate
        return h, [h]


class RecurrentStepper:
    """A trained language model turned into a one-token-per-step function (built once per model).

    ``step(token_ids, state) -> (probs, new_state)`` is the step function that
    :func:`coursework.generation.search.beam_search_steps` expects, for a batch of any size. The first
    layer's input projection is precomputed as a ``(vocab, 4 * units)`` table, so one step is a table
    look-up, one ``h @ U`` per layer and the output ``Dense``.

    Example:
        >>> stepper = RecurrentStepper(model)                          # doctest: +SKIP
        >>> probs, state = stepper.read(stepper.encode("hola "))      # doctest: +SKIP
    """

    def __init__(self, model):
        import keras

        from coursework.models.generator import vocabulary_of

        vocab_layer = vocabulary_of(model)
        self.vocabulary: list[str] = list(vocab_layer.vocabulary)
        self.level: str = vocab_layer.level
        self._index = {token: i for i, token in enumerate(self.vocabulary)}
        # Word models never emit the padding "" nor the unknown-word "[UNK]" token (TextVectorization's 0, 1).
        self.banned = np.array(
            [self._index[t] for t in ("", "[UNK]") if self.level == "word" and t in self._index],
            dtype="int64",
        )
        table = None  # (vocab, features): the input vector of each token id
        self.layers: list[_Recurrent] = []
        self.dense = None
        for layer in model.layers:
            if isinstance(layer, (keras.layers.InputLayer, keras.layers.Dropout)) or layer is vocab_layer:
                continue
            if isinstance(layer, keras.layers.Embedding):
                if self.layers or table is not None:
                    raise ValueError("The Embedding must come right after the vocabulary layer.")
                table = np.asarray(layer.embeddings, dtype="float32")
            elif isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)) and self.dense is None:
                self.layers.append(_Recurrent(layer))
            elif isinstance(layer, keras.layers.Dense) and self.dense is None and self.layers:
                activation = keras.activations.serialize(layer.activation)
                if not isinstance(activation, str):
                    activation = activation.get("config", {}).get("name")
                if activation != "softmax":
                    raise ValueError(f"The output Dense must use softmax, found {activation!r}.")
                self.dense = (
                    np.asarray(layer.kernel, "float32"),
                    np.asarray(layer.bias, "float32") if layer.use_bias else 0.0,
                )
            else:
                raise ValueError(
                    f"Layer {layer.name!r} ({type(layer).__name__}) is not supported by fast "
                    "generation: use Embedding, LSTM/GRU, Dropout and a softmax Dense."
                )
        if not self.layers or self.dense is None:
            raise ValueError("Fast generation needs at least one LSTM/GRU layer and a softmax Dense output.")
        if table is None:
            table = np.eye(len(self.vocabulary), dtype="float32")
        first = self.layers[0]
        self._input_table = table @ first.kernel + first.bias  # one-hot or embedding, projected once

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    def zero_state(self, batch: int = 1) -> list[np.ndarray]:
        """All-zero recurrent state (what Keras starts every window with)."""
        return [s for layer in self.layers for s in layer.zero_state(batch)]

    def logits(self, token_ids, state):
        """Advance a batch by one token: ``(logits (batch, vocab), new_state)``; softmax gives ``step``."""
        x = self._input_table[np.asarray(token_ids, dtype="int64").reshape(-1)]
        new_state, position = [], 0
        for index, layer in enumerate(self.layers):
            size = 2 if layer.kind == "lstm" else 1
            if index:
                x = x @ layer.kernel + layer.bias
            x, layer_state = layer.step(x, state[position : position + size])
            new_state += layer_state
            position += size
        kernel, bias = self.dense
        return x @ kernel + bias, new_state

    def step(self, token_ids, state):
        """Advance a batch by one token: ``(probs (batch, vocab), new_state)``."""
        logits, new_state = self.logits(token_ids, state)
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return probs, new_state

    def allowed(self, probs: np.ndarray) -> np.ndarray:
        """``probs`` with the banned tokens (``""`` and ``"[UNK]"`` of word models) zeroed, renormalised."""
        if self.banned.size == 0:
            return probs
        probs = np.array(probs, dtype="float32")
        probs[..., self.banned] = 0.0
        return probs / probs.sum(axis=-1, keepdims=True)

    def allowed_step(self, token_ids, state):
        """:meth:`step` followed by :meth:`allowed` (what generation uses)."""
        probs, state = self.step(token_ids, state)
        return self.allowed(probs), state

    def read(self, ids: Sequence[int]):
        """Feed a prompt's ids from the zero state; returns the next-token probabilities and the state."""
        ids = np.asarray(ids, dtype="int64").reshape(-1)
        if ids.size == 0:
            raise ValueError("The prompt is empty: give at least one character or word.")
        state = self.zero_state(1)
        for token in ids:
            probs, state = self.step(token[None], state)
        return probs[0], state

    # -- text <-> ids ------------------------------------------------------------------------------
    def encode(self, prompt: str) -> np.ndarray:
        """Ids of a prompt (see the module docstring for the normalisation).

        Raises:
            TypeError: if ``prompt`` is not a string. ValueError: if it is empty or, for characters,
            has characters outside the vocabulary (listed in the message).
        """
        if not isinstance(prompt, str):
            raise TypeError(f"prompt must be a str, got {type(prompt).__name__}.")
        prompt = as_text(prompt)  # NFC: accents pasted as combining marks are the same characters
        if self.level == "word":
            words = standardize_words(prompt)
            if not words:
                raise ValueError("The prompt is empty: give at least one word.")
            unknown = self._index.get("[UNK]", 1)
            return np.array([self._index.get(w, unknown) for w in words], dtype="int64")
        text = re.sub(r"[^\S\n]+", " ", prompt)
        if not any(c.isupper() for c in self.vocabulary):
            text = text.lower()
        if not text:
            raise ValueError("The prompt is empty: give at least one character.")
        mapped = []
        for char in text:
            if char not in self._index:
                base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
                char = base if len(base) == 1 and base.isalnum() and base in self._index else char
            mapped.append(char)
        unknown = sorted({c for c in mapped if c not in self._index})
        if unknown:
            raise ValueError(f"The prompt has characters outside the model's vocabulary: {unknown!r}.")
        return np.array([self._index[c] for c in mapped], dtype="int64")

    def decode(self, ids: Sequence[int]) -> str:
        """Text of token ids (characters joined as they are, words with spaces)."""
        tokens = [self.vocabulary[int(i)] for i in ids]
        return " ".join(tokens) if self.level == "word" else "".join(tokens)

    def token_id(self, token: str | int) -> int:
        """Id of a token given as text (``"\\n"``, ``"."``) or already as an id."""
        if isinstance(token, (int, np.integer)) and not isinstance(token, bool):
            if not 0 <= token < self.vocab_size:
                raise ValueError(f"Token id {token} is outside the vocabulary (size {self.vocab_size}).")
            return int(token)
        if isinstance(token, str) and token in self._index:
            return self._index[token]
        raise ValueError(f"Token {token!r} is not in the model's vocabulary.")


def stepper_for(model) -> RecurrentStepper:
    """A :class:`RecurrentStepper` of ``model`` (pass one directly to reuse it across calls)."""
    return model if isinstance(model, RecurrentStepper) else RecurrentStepper(model)


def next_token_probs(model, prompt: str) -> np.ndarray:
    """Probabilities of the token that follows ``prompt`` (shape ``(vocab,)``)."""
    stepper = stepper_for(model)
    return stepper.read(stepper.encode(prompt))[0]


def top_k_next(
    model, prompt: str, k: int = 5, skip: Sequence[str] = ("", "[UNK]")
) -> list[tuple[str, float]]:
    """The ``k`` most probable next tokens after ``prompt`` with their probabilities, best first.

    ``skip`` leaves out the padding and unknown-word tokens of word models.
    """
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    stepper = stepper_for(model)
    probs = next_token_probs(stepper, prompt)
    ranked = [i for i in np.argsort(-probs, kind="stable") if stepper.vocabulary[i] not in skip]
    return [(stepper.vocabulary[i], float(probs[i])) for i in ranked[:k]]


def generate(
    model,
    prompt: str,
    length: int = 200,
    temperature: float = DEFAULT_TEMPERATURE,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    stop_token=None,
    progress: ProgressFn | None = None,
) -> str:
    """Sample ``length`` tokens after ``prompt`` at ``temperature`` and return them (without the prompt).

    Args:
        model: a language model built by :mod:`coursework.models.generator` (or its
            :class:`RecurrentStepper`, to skip rebuilding it).
        prompt: text to continue (see the module docstring for how it is normalised).
        length: number of tokens to generate (at most :data:`~coursework.generation.search.MAX_LENGTH`).
        temperature: > 0; below 1e-3 it is greedy (argmax). Each token is drawn by
            :func:`~coursework.generation.search.sample_next` from the logits (no softmax per step).
        seed / rng: a seed or a ``numpy.random.Generator`` for repeatable samples.
        stop_token: stop early after generating this token (e.g. ``"\\n"``, the end of a speech).
        progress: called with ``1`` after each token (quiet when ``None``).

    Example:
        >>> generate(model, "el gobierno ", length=100, temperature=0.5, seed=1)  # doctest: +SKIP
    """
    check_limits(length=length)
    stepper = stepper_for(model)
    stop = None if stop_token is None else stepper.token_id(stop_token)
    rng = rng if rng is not None else np.random.default_rng(seed)
    ids = stepper.encode(prompt)
    state = stepper.zero_state(1)
    for token in ids[:-1]:
        _, state = stepper.logits(token[None], state)
    banned = stepper.banned

    def step(token_ids, step_state):
        logits, step_state = stepper.logits(token_ids, step_state)
        if banned.size:
            logits[:, banned] = -np.inf
        return logits, step_state

    out = sample_steps(
        step,
        state,
        int(ids[-1]),
        length,
        temperature,
        rng,
        stop_token=stop,
        from_logits=True,
        progress=progress,
    )
    return stepper.decode(out)


def beam_search(
    model,
    prompt: str,
    beam_width: int = 5,
    max_length: int = 100,
    length_normalization: bool = True,
    end_token=None,
    progress: ProgressFn | None = None,
) -> list[tuple[str, float]]:
    """The seed's beam search: the ``beam_width`` most probable continuations of ``prompt``.

    All beams advance in one batched step per position (:func:`beam_search_steps`). Scores are
    mean log-probabilities per token with ``length_normalization`` (the seed), sums otherwise.

    Args:
        end_token: a token (text such as ``"\\n"`` or ``"."``, or an id) that finishes a beam.
        progress: called with ``1`` after each position (quiet when ``None``).

    Raises:
        ValueError: for a ``beam_width``, ``max_length`` or their product over the limits of
            :mod:`coursework.generation.search`.

    Returns:
        Up to ``beam_width`` ``(continuation, score)`` pairs, best first; width 1 is greedy decoding.

    Example:
        >>> beam_search(model, "señor presidente", beam_width=3, max_length=30)  # doctest: +SKIP
    """
    check_limits(beam_width, max_length, length_name="max_length")
    stepper = stepper_for(model)
    end = None if end_token is None else stepper.token_id(end_token)
    probs, state = stepper.read(stepper.encode(prompt))
    results = beam_search_steps(
        stepper.allowed_step,
        state,
        last_token=-1,
        beam_width=beam_width,
        max_length=max_length,
        end_token=end,
        length_normalization=length_normalization,
        first_probs=stepper.allowed(probs),
        progress=progress,
    )
    return [(stepper.decode(ids), float(score)) for ids, score in results]
