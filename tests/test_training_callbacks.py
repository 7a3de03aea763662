"""Training callbacks: the perplexity logged each epoch is exp of that epoch's losses."""

import math

import keras
import numpy as np
import pytest

from coursework.training import EpochTimer, PerplexityLogger


def test_perplexity_logger_matches_the_losses_of_every_epoch():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(64, 6))
    y = (x + 1) % 5  # next token = current + 1: learnable, so the losses change between epochs
    model = keras.Sequential(
        [keras.Input((6,)), keras.layers.Embedding(5, 4), keras.layers.Dense(5, activation="softmax")]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    logger, timer = PerplexityLogger(), EpochTimer()
    history = model.fit(
        x, y, validation_data=(x[:16], y[:16]), epochs=3, verbose=0, callbacks=[logger, timer]
    )
    logs = history.history
    np.testing.assert_allclose(logger.perplexity, np.exp(logs["loss"]), rtol=1e-6)
    np.testing.assert_allclose(logger.val_perplexity, np.exp(logs["val_loss"]), rtol=1e-6)
    assert logs["val_perplexity"] == logger.val_perplexity  # in the History too
    assert logger.val_perplexity[-1] < logger.val_perplexity[0] < 5.5  # uniform guess over 5 tokens: 5
    assert len(timer.epoch_seconds) == 3 and all(s > 0 for s in timer.epoch_seconds)


def test_perplexity_logger_without_validation_and_without_loss():
    logger = PerplexityLogger()
    logs = {"loss": math.log(3.0)}
    logger.on_epoch_end(0, logs)
    assert logger.perplexity == [pytest.approx(3.0)] and logger.val_perplexity == []
    assert "val_perplexity" not in logs
    with pytest.raises(KeyError, match="loss"):
        logger.on_epoch_end(1, {"accuracy": 0.5})
