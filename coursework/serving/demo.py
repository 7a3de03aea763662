"""A tiny raw-string sentiment model, trained in a second, for tests, demos and the benchmark.

It is *not* the course's sentiment model (that is the class-5 recipe): it only has the same contract —
raw strings in (``keras.Input(shape=(1,), dtype="string")`` with the ``TextVectorization`` inside),
sigmoid probability of "positive" out — so the serving code can be tested without a long training.

Example:
    >>> model = build_demo_model()                                          # doctest: +SKIP
    >>> model.save("demo.keras")                                            # doctest: +SKIP
"""

from __future__ import annotations

POSITIVE = (
    "a wonderful film",
    "brilliant and moving",
    "a delight from start to finish",
    "great acting and a great story",
    "funny, warm and wonderful",
    "a moving masterpiece",
    "i loved it",
    "beautiful and brilliant",
)
NEGATIVE = (
    "a boring mess",
    "dull and far too long",
    "awful acting and a terrible story",
    "a tedious, predictable bore",
    "i hated it",
    "a terrible waste of time",
    "bland, boring and awful",
    "a dull and lifeless film",
)


def build_demo_model(epochs: int = 20, seed: int = 0):
    """Fit TextVectorization → Embedding → average pooling → Dense(sigmoid) on 16 sentences.

    Returns a compiled ``keras.Model`` that separates the built-in positive and negative sentences
    (probability > 0.5 for the positive ones, < 0.5 for the negative ones).
    """
    import keras
    import numpy as np
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    texts = list(POSITIVE) + list(NEGATIVE)
    labels = np.array([1.0] * len(POSITIVE) + [0.0] * len(NEGATIVE), dtype="float32")
    vectorizer = keras.layers.TextVectorization(max_tokens=200, output_sequence_length=16, name="vectorizer")
    vectorizer.adapt(texts)
    text = keras.Input(shape=(1,), dtype="string", name="text")
    x = vectorizer(text)
    x = keras.layers.Embedding(vectorizer.vocabulary_size(), 8, name="embedding")(x)
    x = keras.layers.GlobalAveragePooling1D(name="pool")(x)
    probability = keras.layers.Dense(1, activation="sigmoid", name="positive")(x)
    model = keras.Model(text, probability, name="demo_sentiment")
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(tf.constant(texts)[:, None], labels, epochs=epochs, batch_size=16, verbose=0)
    return model


def demo_model_file(folder, name: str = "sentiment"):
    """``folder/<name>.keras`` holding :func:`build_demo_model`'s model, trained only if missing.

    Lets several test modules share one tiny trained model.

    Example:
        >>> path = demo_model_file("/tmp/serving-demo")   # doctest: +SKIP
    """
    import pathlib

    path = pathlib.Path(folder) / f"{name}.keras"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.keras")
        build_demo_model().save(partial)
        partial.replace(path)
    return path
