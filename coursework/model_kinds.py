"""What kind of course model a ``.keras`` file holds, read from its structure (no Keras import).

Each CLI command needs one kind of model (``translate`` a seq2seq translator, ``generate`` a language
model, ``chat`` an intent bot or a seq2seq bot). :func:`require_kind` reads the archive's
``config.json`` and refuses a model of another kind *by name* ("… is a sentiment classifier; `chat`
needs an intent bot or a seq2seq bot") before anything loads.

How the kind is told, from the layers of the saved graph (nested models included):

- ``"translator"`` / ``"seq2seq-bot"``: the layers of
  :func:`~coursework.models.translator.build_seq2seq_translator` (``source_embedding``, ``encoder``,
  ``target_embedding``, ``decoder``, ``next_token``). Both tasks share that structure, so the model's
  name decides: a name with ``chatbot`` (what ``train chatbot`` saves) is a bot, any other a translator;
  the layers of :func:`~coursework.models.transformer_translator.build_transformer_translator`
  (``encoder_0`` / ``decoder_0`` blocks) are a translator too;
- ``"language-model"``: a ``TokenVocabulary`` layer (``build_char_generator`` / ``build_word_lm``, and
  ``build_gpt``, whose vocabulary level is ``"subword"``);
- ``"intent-bot"``: the network named ``intent_classifier`` (``train intent-bot --save``);
- ``"sentiment-classifier"``: a raw-text model (string input) ending in one sigmoid unit; another
  raw-text model is a ``"text-classifier"``;
- ``"unknown"``: anything else.

Example:
    >>> kind_of_config({"class_name": "Sequential", "config": {"name": "intent_classifier", "layers": []}})
    'intent-bot'
    >>> describe_kind("sentiment-classifier")
    'a sentiment classifier'
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator

__all__ = ["KINDS", "describe_kind", "kind_of_config", "kind_of_model", "model_kind", "require_kind"]

KINDS = {
    "translator": "a seq2seq translator",
    "seq2seq-bot": "a seq2seq bot",
    "language-model": "a language model",
    "intent-bot": "an intent bot",
    "sentiment-classifier": "a sentiment classifier",
    "text-classifier": "a text classifier",
    "unknown": "a model of no kind this package knows",
}
"""Every kind :func:`kind_of_config` returns, with the words used in messages."""

SEQ2SEQ_LAYERS = frozenset({"source_embedding", "encoder", "target_embedding", "decoder", "next_token"})
# build_transformer_translator's layers (a translator too: `translate` decodes it).
TRANSFORMER_SEQ2SEQ_LAYERS = frozenset(
    {"source_embedding", "encoder_0", "target_embedding", "decoder_0", "next_token"}
)


def describe_kind(kind: str) -> str:
    """The words for ``kind`` in messages (``"a language model"``)."""
    return KINDS[kind]


def _layers(config: dict) -> Iterator[dict]:
    """Every layer entry of a serialised model, nested models (a wrapped body) included."""
    inner = config.get("config") if isinstance(config.get("config"), dict) else {}
    for layer in inner.get("layers") or []:
        if isinstance(layer, dict):
            yield layer
            if isinstance((layer.get("config") or {}).get("layers"), list):
                yield from _layers(layer)


def _name(entry: dict) -> str:
    return str((entry.get("config") or {}).get("name") or entry.get("name") or "")


def _dtype(entry: dict) -> str:
    dtype = (entry.get("config") or {}).get("dtype")
    if isinstance(dtype, dict):  # a serialised DTypePolicy
        dtype = (dtype.get("config") or {}).get("name")
    return str(dtype)


def kind_of_config(config: dict) -> str:
    """The kind of the model serialised as ``config`` (the content of a ``.keras`` ``config.json``)."""
    layers = list(_layers(config))
    names = {_name(layer) for layer in layers}
    classes = {str(layer.get("class_name", "")) for layer in layers}
    model_name = _name(config)
    if SEQ2SEQ_LAYERS <= names:
        return "seq2seq-bot" if "chatbot" in model_name else "translator"
    if TRANSFORMER_SEQ2SEQ_LAYERS <= names:
        return "translator"
    if "TokenVocabulary" in classes:
        return "language-model"
    if model_name == "intent_classifier":
        return "intent-bot"
    string_input = any(
        layer.get("class_name") == "InputLayer" and _dtype(layer) == "string" for layer in layers
    )
    if string_input or "RawTextModel" in str(config.get("class_name", "")):
        dense = [layer.get("config") or {} for layer in layers if layer.get("class_name") == "Dense"]
        if dense and dense[-1].get("units") == 1 and dense[-1].get("activation") == "sigmoid":
            return "sentiment-classifier"
        return "text-classifier"
    return "unknown"


def kind_of_model(model) -> str:
    """The kind of a Keras model object (the same rules as for a saved file)."""
    import keras

    return kind_of_config(keras.saving.serialize_keras_object(model))


def model_kind(path: str | os.PathLike) -> str:
    """The kind of the ``.keras`` model at ``path`` (reads its ``config.json`` only).

    Raises:
        FileNotFoundError / IsADirectoryError / ValueError / PermissionError: from
            :func:`coursework.paths.check_model_file` (nothing there, a folder, not a .keras model).
    """
    from coursework.paths import check_model_file

    source = check_model_file(path)
    try:
        with zipfile.ZipFile(source) as archive, archive.open("config.json") as handle:
            config = json.load(handle)
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ValueError(
            f"Model file {str(source)!r} is not a .keras model (unreadable config.json: {exc})."
        ) from None
    return kind_of_config(config) if isinstance(config, dict) else "unknown"


def require_kind(path: str | os.PathLike, accepted: tuple[str, ...], command: str) -> str:
    """The kind of the model at ``path``, or a ``ValueError`` naming it when ``command`` cannot use it.

    Example:
        >>> import pathlib, tempfile, zipfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "lm.keras"
        >>> with zipfile.ZipFile(path, "w") as archive:
        ...     archive.writestr("config.json", '{"class_name": "Functional", "config": {"name": "lm", '
        ...                      '"layers": [{"class_name": "TokenVocabulary", "config": {"name": "v"}}]}}')
        >>> require_kind(path, ("intent-bot", "seq2seq-bot"), "chat")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Model '...lm.keras' is a language model; `chat` needs an intent bot or a seq2seq bot.
    """
    kind = model_kind(path)
    if kind not in accepted:
        wanted = " or ".join(describe_kind(k) for k in accepted)
        raise ValueError(f"Model {str(path)!r} is {describe_kind(kind)}; `{command}` needs {wanted}.")
    return kind
