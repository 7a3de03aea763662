"""Intent bot (class 2): bag of words over preprocessed Spanish tokens → small Dense network.

The message is preprocessed (lowercase, accents stripped keeping ñ, numbers → ``<num>``, Snowball
stems; stop words are *kept*: in two- or three-word messages such as "¿qué tal?" they are the
message), turned into a binary bag of words over the patterns' vocabulary, and classified by
``Dense(64, relu) → Dropout → Dense(n_classes, softmax)``.

The bot answers the fallback reply when

- the message shares no *meaningful* token with the intents' patterns: one-letter tokens ("a", "y",
  "o") and Spanish stop words ("de", "mi", "que") do not count, unless the message contains every
  token of a pattern made only of them ("¿qué tal?");
- the network's best class is the hidden *out-of-domain* class, trained on the intents'
  ``out_of_domain`` examples (off-topic messages) when the intents file has them;
- the best intent's softmax confidence is below ``threshold``.

Replies are computed with a NumPy forward pass over the trained weights (the same numbers as
``model.predict``, tested), which keeps one answer well under a millisecond instead of the tens
of milliseconds a Keras call costs for a single message.

Example:
    >>> bot = IntentBot(seed=0).fit(epochs=60, verbose=0)   # doctest: +SKIP
    >>> bot.predict_intent("hola, ¿qué tal?")                 # doctest: +SKIP
    ('saludo', 0.98...)
    >>> bot.reply("asdfgh") == bot.intents.fallback          # doctest: +SKIP
    True
"""

from __future__ import annotations

import random
from typing import NamedTuple

import numpy as np

from coursework.bots.base import Bot, check_message
from coursework.datasets.intents import Intents, load_intents
from coursework.preprocessing import preprocess, spanish_stop_words, stem_word, strip_accents
from coursework.text import NUMBER_TOKEN, Vocabulary

# Preprocessing used by the bot: the class-2 pipeline without stop-word removal.
BOT_PREPROCESSING = dict(
    lowercase=True,
    accents=False,
    keep_enye=True,
    numbers="token",
    keep_punctuation=False,
    stop_words=False,
    stemming=True,
)


def bot_tokens(text: str) -> list[str]:
    """The tokens the intent bot sees: ``bot_tokens("¿Qué tal?") == ['que', 'tal']``."""
    return preprocess(text, **BOT_PREPROCESSING)


def build_vocabulary(texts: list[str]) -> Vocabulary:
    """Distinct tokens of ``texts`` in alphabetical order (deterministic: the same patterns give the
    same columns).

    Example:
        >>> build_vocabulary(["¿Qué tal?", "Hola, ¿qué hacés?"]).tokens
        ('hac', 'hol', 'que', 'tal')
    """
    return Vocabulary.build([bot_tokens(text) for text in texts], order="alphabetical")


def stop_stems() -> frozenset[str]:
    """The Spanish stop words as the bot sees them (accents stripped, stemmed)."""
    return frozenset(stem_word(strip_accents(word)) for word in spanish_stop_words())


def meaningful_tokens(tokens) -> set[str]:
    """The tokens that can tie a message to an intent: two or more characters, not a stop word,
    not ``<num>``.

    Example:
        >>> sorted(meaningful_tokens(bot_tokens("¿A qué hora es la clase?")))
        ['clas', 'hor']
    """
    stop = stop_stems()
    return {t for t in tokens if len(t) >= 2 and t not in stop and t != NUMBER_TOKEN}


def build_intent_model(vocabulary_size: int, n_intents: int, hidden: int = 64, dropout: float = 0.3):
    """``Dense(hidden, relu) → Dropout → Dense(n_intents, softmax)`` over a bag of words."""
    import keras

    if vocabulary_size < 1 or n_intents < 2:
        raise ValueError(
            f"Hace falta un vocabulario (hay {vocabulary_size} palabras) y al menos 2 "
            f"intenciones (hay {n_intents})."
        )
    return keras.Sequential(
        [
            keras.Input(shape=(vocabulary_size,), name="bag_of_words"),
            keras.layers.Dense(hidden, activation="relu", name="hidden"),
            keras.layers.Dropout(dropout, name="dropout"),
            keras.layers.Dense(n_intents, activation="softmax", name="intent"),
        ],
        name="intent_classifier",
    )


class Decision(NamedTuple):
    """What :meth:`IntentBot.decide` concluded about a message."""

    intent: str | None
    confidence: float
    reason: str


class IntentBot(Bot):
    """A Spanish intent bot: ``IntentBot().fit().reply("hola")``.

    Args:
        intents: the :class:`~coursework.datasets.intents.Intents` (default: ``data/intents_es.yaml``).
        threshold: minimum softmax confidence to answer an intent; below it, the fallback.
        hidden: units of the hidden layer.
        seed: seeds the weights and the choice among an intent's replies.
        out_of_domain: train the hidden off-topic class on ``intents.out_of_domain`` (when there
            are examples) and require a meaningful token shared with the patterns. ``False`` gives
            the plain classifier (every class an intent; any known token is enough), to compare.
    """

    name = "intent"

    def __init__(
        self,
        intents: Intents | None = None,
        threshold: float = 0.5,
        hidden: int = 64,
        seed: int = 42,
        out_of_domain: bool = True,
    ):
        if isinstance(threshold, bool) or not 0.0 <= float(threshold) <= 1.0:
            raise ValueError(f"El umbral (threshold) tiene que estar entre 0 y 1, no {threshold!r}.")
        self.intents = load_intents() if intents is None else intents
        self.threshold = float(threshold)
        self.hidden = int(hidden)
        self.seed = int(seed)
        self.out_of_domain = list(self.intents.out_of_domain) if out_of_domain else []
        self.strict = bool(out_of_domain)
        texts, _ = self.intents.examples()
        self.vocabulary = build_vocabulary(texts + self.out_of_domain)
        pattern_tokens = [set(bot_tokens(text)) for text in texts]
        self._meaningful = set().union(*(meaningful_tokens(tokens) for tokens in pattern_tokens))
        self._stop_only_patterns = [
            tokens for tokens in pattern_tokens if tokens and not meaningful_tokens(tokens)
        ]
        self._known = set().union(*pattern_tokens)
        self._rng = random.Random(self.seed)
        self.model = None
        self._weights = None

    @property
    def n_classes(self) -> int:
        """Output size of the network: the intents, plus the off-topic class when trained with one."""
        return len(self.intents.names) + (1 if self.out_of_domain else 0)

    def training_examples(self) -> tuple[list[str], list[int]]:
        """The intents' patterns and the off-topic examples (label ``len(intents.names)``)."""
        texts, labels = self.intents.examples()
        ood_label = len(self.intents.names)
        return texts + self.out_of_domain, labels + [ood_label] * len(self.out_of_domain)

    def shares_meaningful_token(self, text: str) -> bool:
        """Whether the message has a token that ties it to the intents (see the module notes); with
        ``out_of_domain=False``, whether it has any token of the patterns."""
        tokens = set(bot_tokens(check_message(text)))
        if not self.strict:
            return bool(tokens & self._known)
        return bool(tokens & self._meaningful) or any(p <= tokens for p in self._stop_only_patterns)

    # -- features ---------------------------------------------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        """Binary bag of words, one row per text (unknown tokens are ignored)."""
        if isinstance(texts, str):
            texts = [texts]
        matrix = np.zeros((len(texts), len(self.vocabulary)), dtype="float32")
        for row, text in enumerate(texts):
            for token in bot_tokens(text):
                column = self.vocabulary.get(token)
                if column is not None:
                    matrix[row, column] = 1.0
        return matrix

    # -- training ---------------------------------------------------------------------------
    def fit(self, epochs: int = 80, batch_size: int = 32, learning_rate: float = 1e-2, verbose: int = 1):
        """Train the network on the intents' patterns; returns ``self`` (history in ``.history``)."""
        import keras

        from coursework.training import set_seed

        set_seed(self.seed)
        texts, labels = self.training_examples()
        self.model = build_intent_model(len(self.vocabulary), self.n_classes, self.hidden)
        self.model.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        history = self.model.fit(
            self.encode(texts),
            np.asarray(labels),
            epochs=epochs,
            batch_size=batch_size,
            shuffle=True,
            verbose=verbose,
        )
        self.history = history.history
        self._cache_weights()
        return self

    def use_model(self, model):
        """Use an already trained Keras model (e.g. loaded from ``.keras``); returns ``self``.

        Raises:
            ValueError: if its input/output sizes do not match this bot's vocabulary/intents.
        """
        expected = (len(self.vocabulary), self.n_classes)
        got = (model.input_shape[-1], model.output_shape[-1])
        if got != expected:
            raise ValueError(
                f"El modelo espera {got[0]} palabras y {got[1]} clases; estas intenciones "
                f"necesitan {expected[0]} palabras y {expected[1]} clases."
            )
        self.model = model
        self._cache_weights()
        return self

    def _cache_weights(self):
        hidden = self.model.get_layer("hidden")
        output = self.model.get_layer("intent")
        self._weights = [
            np.asarray(w, dtype="float32") for w in (*hidden.get_weights(), *output.get_weights())
        ]

    # -- inference --------------------------------------------------------------------------
    def predict_proba(self, texts) -> np.ndarray:
        """Softmax probabilities over intents, one row per text (NumPy forward pass)."""
        if self._weights is None:
            raise RuntimeError("El bot no está entrenado: llamá primero a fit() (o a use_model()).")
        w1, b1, w2, b2 = self._weights
        hidden = np.maximum(self.encode(texts) @ w1 + b1, 0.0)
        logits = hidden @ w2 + b2
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def decide(self, text: str) -> Decision:
        """The bot's decision on one message, with the reason: ``"intent"`` (answered),
        ``"no_meaningful_token"`` (confidence 0), ``"out_of_domain"`` (the off-topic class won; its
        confidence) or ``"below_threshold"`` (the best intent's confidence)."""
        message = check_message(text)
        if not self.shares_meaningful_token(message):
            return Decision(None, 0.0, "no_meaningful_token")
        probs = self.predict_proba([message])[0]
        best = int(probs.argmax())
        confidence = float(probs[best])
        if best >= len(self.intents.names):
            return Decision(None, confidence, "out_of_domain")
        if confidence < self.threshold:
            return Decision(None, confidence, "below_threshold")
        return Decision(self.intents.names[best], confidence, "intent")

    def predict_intent(self, text: str) -> tuple[str | None, float]:
        """``(intent, confidence)``; intent is ``None`` (the fallback) when the message shares no
        meaningful token with the patterns (confidence 0), when the best class is the off-topic one
        (its confidence), or below the threshold (see :meth:`decide`)."""
        decision = self.decide(text)
        return decision.intent, decision.confidence

    def reply(self, text: str) -> str:
        """One of the intent's replies, or the fallback.

        Raises:
            TypeError: if ``text`` is not a string.
            ValueError: if it is empty or longer than 10,000 characters.
        """
        intent, _ = self.predict_intent(text)
        if intent is None:
            return self.intents.fallback
        return self._rng.choice(self.intents.responses[intent])

    def evaluate(self, texts: list[str], labels: list[int]) -> float:
        """Intent accuracy of the arg-max (no threshold) on labelled texts; a text whose arg-max is
        the off-topic class counts as wrong."""
        if len(texts) != len(labels) or not texts:
            raise ValueError("Hacen falta tantos textos como etiquetas, y al menos uno.")
        return float(np.mean(self.predict_proba(texts).argmax(axis=1) == np.asarray(labels)))
