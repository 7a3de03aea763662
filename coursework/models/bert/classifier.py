"""The BERT sentiment classifier: backbone → masked mean pooling → Dropout → Dense(sigmoid).

Built on token-id dictionaries (trained in two phases by ``coursework.recipes.bert_training``), then
wrapped by :func:`raw_text_bert_classifier` into a model that takes raw strings and saves to one
``.keras`` file that loads after ``import coursework.layers``.
"""

from __future__ import annotations

from coursework.layers.bert_preprocessor import BertTextPreprocessor


def build_bert_classifier(
    backbone, dropout: float = 0.1, freeze_backbone: bool = True, name: str = "bert_classifier"
):
    """Backbone → masked mean pooling → Dropout → Dense(1, sigmoid), on token-id dictionaries.

    Inputs are ``token_ids``, ``padding_mask``, ``segment_ids`` of any length (≤ the backbone's
    positions). The new head is the layer named ``"probability"``; the head's input (384 numbers for
    MiniLM) is the layer ``"sentence_embedding"``.

    Args:
        backbone: a ``keras_hub.models.BertBackbone`` (MiniLM or a tiny one).
        dropout: rate before the head.
        freeze_backbone: ``True`` for the first phase (only the head trains).

    Example:
        >>> from coursework.models.bert import build_tiny_bert
        >>> model = build_bert_classifier(build_tiny_bert(vocabulary_size=50))
        >>> model.output_shape
        (None, 1)
    """
    import keras

    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    inputs = {
        "token_ids": keras.Input((None,), dtype="int32", name="token_ids"),
        "padding_mask": keras.Input((None,), dtype="int32", name="padding_mask"),
        "segment_ids": keras.Input((None,), dtype="int32", name="segment_ids"),
    }
    sequence = backbone(inputs)["sequence_output"]
    pooled = keras.layers.GlobalAveragePooling1D(name="sentence_embedding")(
        sequence, mask=inputs["padding_mask"]
    )
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


def text_preprocessor_layer(vocabulary, sequence_length: int = 64, lowercase: bool = True):
    """A serialisable layer: strings → BERT ``token_ids`` / ``padding_mask`` / ``segment_ids``."""
    return BertTextPreprocessor(
        vocabulary=list(vocabulary),
        sequence_length=sequence_length,
        lowercase=lowercase,
        name="bert_text_preprocessor",
    )


def raw_text_bert_classifier(preprocessor, model, name: str = "bert_sentiment"):
    """The classifier on raw strings: ``model(preprocessor(texts))`` (shares ``model``'s weights).

    The KerasHub preprocessor is replaced by :class:`~coursework.layers.BertTextPreprocessor`, whose
    config carries the vocabulary, so ``keras.saving.load_model("x.keras")`` works in a fresh process
    after ``import coursework.layers``. Like every raw-text model of the package (a
    :class:`~coursework.layers.RawTextModel`) it answers ``predict``, ``evaluate`` and direct calls on
    a list of strings, a NumPy ``str`` / ``object`` array or a string tensor. The file stores
    weights, not the training optimizer's state (MiniLM: 92 MB).
    """
    import keras

    from coursework.models.text_input import text_classifier

    tokenizer = preprocessor.tokenizer
    layer = text_preprocessor_layer(
        tokenizer.get_vocabulary(),
        preprocessor.sequence_length,
        lowercase=getattr(tokenizer, "lowercase", True),
    )
    # An uncompiled view of `model` (same layers and weights): the saved file then holds no optimizer
    # moments, which are two extra numbers per trained weight and only serve further training.
    view = keras.Model(model.input, model.output, name=model.name)
    return text_classifier(layer, view, name=name)
