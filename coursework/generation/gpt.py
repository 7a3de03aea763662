"""Generation with the small GPT (:mod:`coursework.models.gpt`): sampling (greedy, temperature, top-k,
top-p) and beam search through the package's one path (:mod:`coursework.generation.search`).

:class:`GPTStepper` turns a trained GPT into the step function ``step(token_ids, state)`` the search
expects. The state holds every block's key/value cache (batch first) and the position, so each step
runs the network on **one new token**:

- ``engine="numpy"`` (default): :class:`~coursework.generation.gpt_numpy.NumpyGPTStep`, the trained
  weights in NumPy (no per-call dispatch; see that module for why);
- ``engine="keras"``: the blocks' own cache (:func:`~coursework.models.gpt.cached_logits`), compiled
  once (``tf.function`` with XLA on TensorFlow, ``jax.jit`` on JAX) over a cache of fixed size.

Both give the Keras model's logits (tested). With ``use_cache=False`` each step recomputes the whole
prefix with the compiled Keras model instead (the baseline the notebook and ``benchmarks/gpt.py``
measure; the prefix is padded to a multiple of 32 so it compiles a few times).

Context window: the GPT sees at most ``context_length`` tokens (prompt + generated).

- asking for ``length ≥ context_length`` new tokens raises ``ValueError``;
- a longer prompt is **cut to its last tokens** (``context_length - length`` of them) and a
  :class:`PromptCutWarning` says how many were dropped (the CLI prints it as a note).

An empty prompt starts a new speech (the ``[SEP]`` token).

Example:
    >>> stepper = GPTStepper(model)                                         # doctest: +SKIP
    >>> generate(stepper, "señorías, el gobierno", length=40, top_p=0.9, seed=0)  # doctest: +SKIP
    >>> beam_search(stepper, "señorías, el gobierno", beam_width=5, max_length=20)  # doctest: +SKIP
"""

from __future__ import annotations

import warnings

import numpy as np

from coursework.generation.search import (
    DEFAULT_TEMPERATURE,
    ProgressFn,
    beam_search_steps,
    check_limits,
    sample_steps,
)
from coursework.text.subword import SubwordTokenizer

__all__ = [
    "GPTStepper",
    "PromptCutWarning",
    "beam_search",
    "generate",
    "gpt_stepper_for",
    "tokens_per_second",
]

_BUCKET = 32  # uncached prefixes are padded to a multiple of this (few compilations)


class PromptCutWarning(UserWarning):
    """A prompt longer than the context window was cut to its last tokens."""


def _compile(function):
    """``function`` compiled for the active Keras backend (XLA on TensorFlow, ``jax.jit`` on JAX)."""
    import keras

    backend = keras.config.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(function, jit_compile=True, reduce_retracing=True)
    if backend == "jax":
        import jax

        return jax.jit(function)
    return function


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.asarray(logits, dtype="float64")
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


class GPTStepper:
    """A trained GPT as a step function over its key/value caches (built once per model).

    ``step(token_ids (beams,), state) -> (probabilities, new_state)`` and
    ``logits(token_ids, state) -> (logits, new_state)``; ``state`` is ``{"caches", "position"}`` with
    the batch first, ``history`` (the ids so far) when ``use_cache=False``.

    Args:
        model: a model built by :func:`coursework.models.gpt.build_gpt` (trained).
        use_cache: ``False`` recomputes the whole prefix at every step (slow; for comparison).
        engine: ``"numpy"`` or ``"keras"`` (the compiled block cache), for the cached step.
    """

    def __init__(self, model, use_cache: bool = True, engine: str = "numpy"):
        from coursework.models.generator import vocabulary_of
        from coursework.models.gpt import cached_logits, gpt_parts

        vocab = vocabulary_of(model)
        if vocab.level != "subword":
            raise TypeError(
                f"Model {model.name!r} is not a sub-word GPT (its vocabulary is {vocab.level!r})."
            )
        if engine not in ("numpy", "keras"):
            raise ValueError(f"engine must be 'numpy' or 'keras', got {engine!r}.")
        embedding = gpt_parts(model)[0]
        self.model = model
        self.use_cache = bool(use_cache)
        self.engine = engine
        self.tokenizer = SubwordTokenizer(vocab.vocabulary)
        self.context_length = int(embedding.max_len)
        if engine == "numpy":
            from coursework.generation.gpt_numpy import NumpyGPTStep

            self._numpy = NumpyGPTStep(model)
        self._cached = _compile(lambda ids, caches, index: cached_logits(model, ids, caches, index))
        self._full = _compile(lambda ids: model(ids, training=False))

    @property
    def vocab_size(self) -> int:
        return self.tokenizer.vocab_size

    def zero_state(self, batch: int = 1) -> dict:
        """The state before any token: empty caches at position 0."""
        if not self.use_cache:
            return {"history": np.zeros((batch, 0), dtype="int32")}
        from coursework.models.gpt import init_caches

        caches = self._numpy.init_caches(batch) if self.engine == "numpy" else init_caches(self.model, batch)
        return {"caches": caches, "position": np.zeros(batch, dtype="int32")}

    def logits(self, token_ids, state):
        """Advance a batch by one token each: ``(logits (batch, vocab) float64, new_state)``.

        Raises:
            ValueError: once the context window is full.
        """
        ids = np.asarray(token_ids, dtype="int32").reshape(-1, 1)
        if not self.use_cache:
            history = np.concatenate([np.asarray(state["history"], "int32"), ids], axis=1)
            length = history.shape[1]
            self._check_room(length)
            padded = np.zeros((len(ids), min(-(-length // _BUCKET) * _BUCKET, self.context_length)), "int32")
            padded[:, :length] = history
            logits = np.asarray(self._full(padded))[:, length - 1]
            return logits.astype("float64"), {"history": history}
        position = int(state["position"][0])
        self._check_room(position + 1)
        if self.engine == "numpy":
            logits, caches = self._numpy(ids, state["caches"], position)
            return logits.astype("float64"), {
                "caches": caches,
                "position": np.full(len(ids), position + 1, "int32"),
            }
        # a 0-d array (not a Python int) is traced as a tensor: one compilation for every position
        logits, caches = self._cached(ids, state["caches"], np.array(position, dtype="int32"))
        logits = np.asarray(logits)[:, 0].astype("float64")
        return logits, {"caches": caches, "position": np.full(len(ids), position + 1, dtype="int32")}

    def step(self, token_ids, state):
        """:meth:`logits` turned into probabilities (what beam search uses)."""
        logits, state = self.logits(token_ids, state)
        return _softmax(logits), state

    def _check_room(self, length: int) -> None:
        if length > self.context_length:
            raise ValueError(f"The GPT's context window ({self.context_length} tokens) is full.")

    def read(self, ids) -> dict:
        """The state after feeding ``ids`` (the prompt but its last token) from the empty state."""
        state = self.zero_state(1)
        for token in np.asarray(ids, dtype="int32").reshape(-1):
            _, state = self.logits(token[None], state)
        return state

    def prompt_ids(self, prompt: str, length: int) -> np.ndarray:
        """Ids of ``prompt`` (``[SEP]`` when empty), cut to fit ``length`` new tokens in the context.

        Raises:
            TypeError: if ``prompt`` is not a string. ValueError: if ``length`` leaves no room.
        """
        if not isinstance(prompt, str):
            raise TypeError(f"prompt must be a str, got {type(prompt).__name__}.")
        if length >= self.context_length:
            raise ValueError(
                f"length {length} does not fit this GPT's context window of {self.context_length} tokens: "
                f"ask for at most {self.context_length - 1} new tokens."
            )
        ids = self.tokenizer.encode(prompt) if prompt.strip() else np.array([self.tokenizer.sep_id], "int32")
        room = self.context_length - length
        if len(ids) > room:
            warnings.warn(
                f"The prompt has {len(ids)} tokens and only {room} fit before the {length} new ones "
                f"(context window {self.context_length}): it was cut to its last {room} tokens.",
                PromptCutWarning,
                stacklevel=3,
            )
            ids = ids[-room:]
        return ids


def gpt_stepper_for(model, use_cache: bool = True) -> GPTStepper:
    """``model`` itself if it is already a :class:`GPTStepper`, else one built from it."""
    return model if isinstance(model, GPTStepper) else GPTStepper(model, use_cache=use_cache)


def generate(
    model,
    prompt: str,
    length: int = 60,
    temperature: float = DEFAULT_TEMPERATURE,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    stop_token: str | int | None = None,
    progress: ProgressFn | None = None,
) -> str:
    """Sample up to ``length`` tokens after ``prompt`` and return their text (without the prompt).

    ``temperature`` below 1e-3 is greedy; ``top_k`` / ``top_p`` restrict each draw to the most
    probable tokens (:mod:`coursework.generation.filters`). ``stop_token`` (``"[SEP]"``, the end of a
    speech, or an id) stops early. See the module docstring for the context window.
    """
    check_limits(length=length)
    stepper = gpt_stepper_for(model)
    ids = stepper.prompt_ids(prompt, length)
    stop = stepper.tokenizer.vocabulary.index(stop_token) if isinstance(stop_token, str) else stop_token
    out = sample_steps(
        stepper.logits,
        stepper.read(ids[:-1]),
        int(ids[-1]),
        length,
        temperature,
        rng if rng is not None else np.random.default_rng(seed),
        stop_token=stop,
        from_logits=True,
        progress=progress,
        top_k=top_k,
        top_p=top_p,
    )
    return stepper.tokenizer.decode(out)


def beam_search(
    model,
    prompt: str,
    beam_width: int = 5,
    max_length: int = 30,
    length_normalization: bool = True,
    progress: ProgressFn | None = None,
) -> list[tuple[str, float]]:
    """The ``beam_width`` most probable continuations of ``prompt`` (all beams in one batched step per
    position, their caches reordered with them): ``(text, score)`` pairs, best first."""
    check_limits(beam_width, max_length, length_name="max_length")
    stepper = gpt_stepper_for(model)
    ids = stepper.prompt_ids(prompt, max_length)
    results = beam_search_steps(
        stepper.step,
        stepper.read(ids[:-1]),
        int(ids[-1]),
        beam_width=beam_width,
        max_length=max_length,
        end_token=stepper.tokenizer.sep_id,
        length_normalization=length_normalization,
        progress=progress,
    )
    return [(stepper.tokenizer.decode(tokens), float(score)) for tokens, score in results]


def tokens_per_second(
    model, length: int, use_cache: bool = True, repeats: int = 1, engine: str = "numpy"
) -> float:
    """Greedy generation speed: ``length`` tokens from an empty prompt (a new speech), after one
    warm-up run that compiles the step; the best of ``repeats`` timed runs (what notebook 07d and
    ``benchmarks/gpt.py`` report)."""
    import time

    model = model.model if isinstance(model, GPTStepper) else model
    stepper = GPTStepper(model, use_cache=use_cache, engine=engine)
    generate(stepper, "", length=length, temperature=1e-6)  # compiles every shape it will meet
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        generate(stepper, "", length=length, temperature=1e-6)
        best = min(best, time.perf_counter() - start)
    return length / best
