"""Request bodies of the HTTP service: decoded JSON checked by pydantic models, one message per problem.

:class:`PredictRequest` (``POST /predict``) and :class:`TFServingRequest` (TF Serving's
``:predict``) describe what a body may hold; their JSON schemas are what the service publishes in
its OpenAPI document. :func:`validate` runs a model and turns the *first* pydantic error into a
:class:`RequestError` whose message names the field and position
(``"texts"[1] must be a string, got number``) and whose status is 400, or 413 for a size limit.

Beyond types and sizes, every text must be classifiable: valid Unicode (no lone surrogate, which
JSON's ``\\ud800`` escape can produce), not empty or blank (as
:func:`coursework.models.text_input.predict_texts` refuses it), and not punctuation only (nothing is
left after the vectoriser's standardisation: 422).

Example:
    >>> texts_from_predict_request({"texts": ["a fine film"]})
    ['a fine film']
    >>> texts_from_predict_request({"texts": ["ok", 3]})
    Traceback (most recent call last):
    ...
    coursework.serving.requests.RequestError: "texts"[1] must be a string, got number.
"""

from __future__ import annotations

import json
import string
import sys
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StrictStr,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

MAX_TEXTS = 1_000
MAX_CHARS = 10_000
MAX_BODY_BYTES = 32 * 1024 * 1024
SIGNATURE = "serving_default"
_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)  # what TextVectorization strips


class RequestError(Exception):
    """A bad request: becomes ``{"error": message}`` with HTTP ``status``."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def _kind(value: Any) -> str:
    """JSON type name of a decoded value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def parse_json(body: bytes) -> Any:
    """Decode a JSON request body.

    Raises:
        RequestError: 400 if the body is empty, not UTF-8, not valid JSON or holds a number with
            more digits than Python converts (``sys.get_int_max_str_digits()``).

    Example:
        >>> parse_json(b'{"texts": ["ok"]}')
        {'texts': ['ok']}
    """
    if not body or not body.strip():
        raise RequestError('Empty request body: send JSON such as {"texts": ["a review"]}.')
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise RequestError("The request body is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise RequestError(f"Invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
    except ValueError:  # an integer over Python's digit limit
        raise RequestError(
            f"Invalid JSON: a number has more than {sys.get_int_max_str_digits():,} digits."
        ) from None
    except RecursionError:
        raise RequestError("Invalid JSON: nested too deeply.") from None


# ---------------------------------------------------------------------------------- field types
def _classifiable(text: str) -> str:
    # (a lone surrogate is refused before this, by pydantic's strict str: see _message)
    if not text.strip():
        raise PydanticCustomError("text", "is empty: there is nothing to classify")
    if not text.translate(_NO_PUNCTUATION).strip():
        raise PydanticCustomError(
            "text", "has no words, only punctuation: there is nothing to classify", {"status": 422}
        )
    return text


def _one_input(value: Any) -> Any:
    """One TF Serving instance: ``"text"``, ``["text"]`` or ``{"<input name>": "text" | ["text"]}``."""
    if isinstance(value, dict):
        if len(value) != 1:
            raise PydanticCustomError(
                "text", "must have exactly one input (the text), got {n} keys", {"n": len(value)}
            )
        (value,) = value.values()
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _named_column(value: Any) -> Any:
    """Columnar ``"inputs"`` may name its one input: ``{"text": [...]}``."""
    if isinstance(value, dict):
        if len(value) != 1:
            raise PydanticCustomError(
                "text", "must name exactly one input (the text), got {n}", {"n": len(value)}
            )
        (value,) = value.values()
    return value


# Published schema of a text: what the checks above accept (a character that is neither a space nor
# ASCII punctuation: a word is left after standardisation). Documentation only: the checks decide.
_TEXT_SCHEMA = {"type": "string", "minLength": 1, "maxLength": MAX_CHARS, "pattern": r"[^\s!-/:-@\[-`{-~]"}
Text = Annotated[
    StrictStr, Field(max_length=MAX_CHARS), AfterValidator(_classifiable), WithJsonSchema(_TEXT_SCHEMA)
]
Instance = Annotated[
    Text,
    BeforeValidator(_one_input),
    WithJsonSchema(
        {
            "anyOf": [
                _TEXT_SCHEMA,
                {"type": "array", "items": _TEXT_SCHEMA, "minItems": 1, "maxItems": 1},
                {
                    "type": "object",
                    "additionalProperties": _TEXT_SCHEMA,
                    "minProperties": 1,
                    "maxProperties": 1,
                },
            ]
        }
    ),
]
Instances = Annotated[list[Instance], Field(min_length=1, max_length=MAX_TEXTS)]


class PredictRequest(BaseModel):
    """``POST /predict``: ``{"texts": ["a review", ...]}``."""

    model_config = {"json_schema_extra": {"examples": [{"texts": ["A moving, beautifully acted film."]}]}}
    example: ClassVar[str] = '{"texts": ["a review"]}'  # shown in error messages
    hint: ClassVar[str] = '{"texts": ["a review", ...]}'

    texts: list[Text] = Field(
        min_length=1,
        max_length=MAX_TEXTS,
        description=f"1 to {MAX_TEXTS:,} texts of at most {MAX_CHARS:,} characters",
    )


class TFServingRequest(BaseModel):
    """TF Serving's REST ``:predict`` body: ``{"instances": [...]}`` or columnar ``{"inputs": [...]}``.

    An instance is ``"text"``, ``["text"]`` or ``{"<input name>": "text"}``; ``inputs`` may also be
    ``{"<input name>": [...]}``. Exactly one of ``instances`` and ``inputs`` is given.
    """

    model_config = {
        "json_schema_extra": {
            "examples": [{"instances": ["A moving, beautifully acted film."]}],
            "oneOf": [{"required": ["instances"]}, {"required": ["inputs"]}],
        }
    }
    example: ClassVar[str] = '{"instances": ["a review"]}'
    hint: ClassVar[str] = '{"instances": ["a review", ...]}'

    signature_name: Literal["serving_default"] = SIGNATURE
    # A default that is not validated: absent means None, while an explicit null is refused.
    instances: Instances = Field(default=None)
    inputs: Annotated[Instances, BeforeValidator(_named_column)] = Field(default=None)

    @model_validator(mode="after")
    def _exactly_one(self) -> TFServingRequest:
        has_instances, has_inputs = "instances" in self.model_fields_set, "inputs" in self.model_fields_set
        if has_instances and has_inputs:
            raise PydanticCustomError(
                "body", 'Send exactly one of "instances" (row format) or "inputs" (columnar format).'
            )
        if not has_instances and not has_inputs:
            raise PydanticCustomError("body", f'Missing field "instances": send {self.hint}.')
        return self

    def texts(self) -> tuple[list[str], str]:
        """The texts and the format they came in: ``"instances"`` or ``"inputs"``."""
        key = "instances" if "instances" in self.model_fields_set else "inputs"
        return list(getattr(self, key)), key


# ---------------------------------------------------------------------------------- one translator
def _message(error: dict, model: type[BaseModel] | None) -> tuple[str, int]:
    """``(message, status)`` for one pydantic error, naming the field and position."""
    loc, kind, value = error["loc"], error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    where = (f'"{loc[0]}"' + "".join(f"[{part}]" for part in loc[1:])) if loc else "The body"
    rows = bool(loc) and loc[0] in ("instances", "inputs")
    if kind in ("text", "body"):
        message = error["msg"] if kind == "body" else f"{where} {error['msg']}"
        return message.rstrip(".") + ".", int(ctx.get("status", 400))
    if not loc and kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"The body must be a JSON object like {model.example}, got {_kind(value)}.", 400
    if kind == "missing" and len(loc) == 1 and model is not None:
        return f'Missing field "{loc[0]}": send {model.hint}.', 400
    if kind == "list_type":
        return f"{where} must be a list{'' if rows else ' of strings'}, got {_kind(value)}.", 400
    if kind == "too_short":
        return f"{where} is empty: send at least one text.", 400
    if kind == "too_long":
        n, noun = ctx.get("actual_length") or len(value), "items" if rows else "texts"
        return f"{where} has {n:,} {noun}: at most {MAX_TEXTS:,} per request.", 413
    if kind == "string_type":
        also = " (or a list holding one string)" if rows else ""
        return f"{where} must be a string{also}, got {_kind(value)}.", 400
    if kind == "string_unicode" and isinstance(value, str):  # JSON's "\ud800" escape decodes to this
        position = next(i for i, char in enumerate(value) if 0xD800 <= ord(char) <= 0xDFFF)
        return (
            f"{where} is not valid Unicode: character {position} is a lone surrogate "
            f"(U+{ord(value[position]):04X}); send UTF-8 text.",
            400,
        )
    if kind == "string_too_long":
        return (f"{where} has {len(value):,} characters: at most {MAX_CHARS:,} characters per text.", 413)
    if kind == "literal_error" and loc == ("signature_name",):
        return f"Unknown signature_name {value!r}: this model has only {SIGNATURE!r}.", 400
    return f"{where}: {error['msg']}.", 400


def validate(model: type[BaseModel], payload: Any) -> BaseModel:
    """``model`` validated from a decoded JSON ``payload``.

    Raises:
        RequestError: for the first problem found, with its message and status.
    """
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise RequestError(*_message(exc.errors(include_url=False)[0], model)) from None


_TEXTS = TypeAdapter(Annotated[list[Text], Field(min_length=1, max_length=MAX_TEXTS)])


def check_texts(texts: Any, field: str = "texts") -> list[str]:
    """Check a list of texts: a non-empty list of at most 1,000 strings of at most 10,000 characters.

    Raises:
        RequestError: 400 for a wrong type, an empty list or text; 413 for too many or too long
            texts; 422 for a text of punctuation only.

    Example:
        >>> check_texts(["good", "bad"])
        ['good', 'bad']
    """
    try:
        return _TEXTS.validate_python(texts)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise RequestError(*_message({**error, "loc": (field, *error["loc"])}, None)) from None


def texts_from_predict_request(payload: Any) -> list[str]:
    """The texts of a ``POST /predict`` body, ``{"texts": [...]}``.

    Example:
        >>> texts_from_predict_request({"texts": ["a fine film"]})
        ['a fine film']
    """
    return validate(PredictRequest, payload).texts


def texts_from_tf_serving_request(payload: Any) -> tuple[list[str], str]:
    """The texts of a TF Serving ``:predict`` body and its format, ``"instances"`` or ``"inputs"``.

    Example:
        >>> texts_from_tf_serving_request({"instances": ["great", ["awful"]]})
        (['great', 'awful'], 'instances')
    """
    return validate(TFServingRequest, payload).texts()
