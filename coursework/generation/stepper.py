"""The NumPy step model of a trained recurrent language model: prompt in once, one token per step.

:class:`RecurrentStepper` is built once from a trained model's weights (Embedding or one-hot input,
LSTM / GRU / SimpleRNN layers, Dense softmax). It reads the prompt once and then advances the
recurrent state **one token per step** (NumPy, float32); the next-token distribution it gives is the
full model's on the same prefix (tested to 1e-5). :mod:`coursework.generation.text` samples and
searches with it.

Characters (``level="char"``): prompts are lowercased if the model's vocabulary has no upper-case
letters, whitespace runs become one space, rare characters map to their base letter
(``"à"`` → ``"a"``); any other character outside the vocabulary raises ``ValueError`` listing it.
Words (``level="word"``): prompts are standardised like ``TextVectorization`` (lowercase, no
punctuation) and unknown words become ``"[UNK]"``. Every prompt is normalised to NFC first. An empty
prompt raises ``ValueError``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

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
    """One LSTM, GRU or SimpleRNN layer's weights and its single-step update (Keras equations and gate
    order)."""

    def __init__(self, layer):
        import keras

        cell = layer.cell if hasattr(layer, "cell") else layer
        kinds = ((keras.layers.LSTM, "lstm"), (keras.layers.GRU, "gru"), (keras.layers.SimpleRNN, "rnn"))
        self.kind = next(kind for layer_type, kind in kinds if isinstance(layer, layer_type))
        self.units = int(cell.units)
        self.activation = _activation(
            keras.activations.serialize(cell.activation)
            if not isinstance(cell.activation, str)
            else cell.activation
        )
        recurrent = getattr(cell, "recurrent_activation", "linear")  # SimpleRNN has no gates
        self.recurrent_activation = _activation(
            recurrent if isinstance(recurrent, str) else keras.activations.serialize(recurrent)
        )
        self.kernel = np.asarray(cell.kernel, dtype="float32")
        self.recurrent_kernel = np.asarray(cell.recurrent_kernel, dtype="float32")
        zero_bias = np.zeros(self.kernel.shape[1], dtype="float32")
        if self.kind in ("lstm", "rnn"):
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
        if self.kind == "rnn":
            h = self.activation(projected + h @ self.recurrent_kernel)
            return h, [h]
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
            elif isinstance(layer, (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN)) and (
                self.dense is None
            ):
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
                    "generation: use Embedding, LSTM/GRU/SimpleRNN, Dropout and a softmax Dense."
                )
        if not self.layers or self.dense is None:
            raise ValueError("Fast generation needs at least one recurrent layer and a softmax Dense output.")
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
