"""The Spanish intents of the class-2 intent bot (``data/intents_es.yaml``) and its held-out
paraphrases (``data/intents_es_heldout.yaml``), both written by the project.

Example:
    >>> from coursework.datasets.intents import load_intents, load_heldout
    >>> intents = load_intents()
    >>> len(intents.names) >= 8, intents.names[0]
    (True, 'saludo')
    >>> texts, labels = load_heldout()
    >>> len(texts) == len(labels)
    True
"""

from __future__ import annotations

import dataclasses
import os
import pathlib

DATA_DIR = pathlib.Path(__file__).resolve().parent.parent.parent / "data"
INTENTS_FILE = DATA_DIR / "intents_es.yaml"
HELDOUT_FILE = DATA_DIR / "intents_es_heldout.yaml"
OUT_OF_DOMAIN_KEY = "out_of_domain"


@dataclasses.dataclass(frozen=True)
class Intents:
    """Intents with their example patterns and replies, plus the reply for unknown messages and
    (optionally) examples of off-topic messages the bot must not answer (``out_of_domain``)."""

    patterns: dict[str, list[str]]
    responses: dict[str, list[str]]
    fallback: str
    out_of_domain: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """Intent names in file order (the class index of each intent)."""
        return list(self.patterns)

    def examples(self) -> tuple[list[str], list[int]]:
        """Training texts and their intent indices: ``(texts, labels)``."""
        texts, labels = [], []
        for label, name in enumerate(self.names):
            texts.extend(self.patterns[name])
            labels.extend([label] * len(self.patterns[name]))
        return texts, labels


def _read_yaml(path: str | os.PathLike):
    import yaml

    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Intent file {str(path)!r} not found.")
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise ValueError(f"{str(path)!r} is not valid YAML: {exc}") from None


def _string_list(value, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where} must be a non-empty list of sentences.")
    items = [" ".join(str(v).split()) for v in value if v is not None and str(v).strip()]
    if not items:
        raise ValueError(f"{where} has no non-empty sentence.")
    return items


def load_intents(path: str | os.PathLike | None = None) -> Intents:
    """Read an intents YAML file (default: the course's ``data/intents_es.yaml``).

    Format::

        fallback: "reply when no intent is confident"
        out_of_domain: [¿va a llover?, tengo hambre]   # optional: messages to answer with the fallback
        intents:
          greeting:
            patterns: [hola, buenas]
            responses: ["¡Hola!"]

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: if it is not valid YAML, has fewer than 2 intents, or an intent lacks
            patterns or responses.
    """
    path = INTENTS_FILE if path is None else path
    content = _read_yaml(path)
    if not isinstance(content, dict) or not isinstance(content.get("intents"), dict):
        raise ValueError(f"{str(path)!r} needs a top-level 'intents:' mapping.")
    raw = content["intents"]
    if len(raw) < 2:
        raise ValueError(f"{str(path)!r} defines {len(raw)} intent(s); at least 2 are needed.")
    patterns, responses = {}, {}
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            raise ValueError(f"Intent {name!r} must have 'patterns' and 'responses' lists.")
        patterns[str(name)] = _string_list(spec.get("patterns"), f"Intent {name!r}: 'patterns'")
        responses[str(name)] = _string_list(spec.get("responses"), f"Intent {name!r}: 'responses'")
    fallback = str(content.get("fallback") or "Perdón, no entendí.")
    out_of_domain = content.get("out_of_domain")
    out_of_domain = () if out_of_domain is None else tuple(_string_list(out_of_domain, "'out_of_domain'"))
    return Intents(patterns=patterns, responses=responses, fallback=fallback, out_of_domain=out_of_domain)


def load_heldout(
    path: str | os.PathLike | None = None, intents: Intents | None = None
) -> tuple[list[str], list[int]]:
    """Held-out paraphrases as ``(texts, labels)``, labels indexing ``intents.names``.

    Raises:
        ValueError: for an intent name that ``intents`` does not define.
    """
    intents = load_intents() if intents is None else intents
    content = _read_yaml(HELDOUT_FILE if path is None else path)
    if not isinstance(content, dict):
        raise ValueError("The held-out file must map intent names to lists of sentences.")
    index = {name: i for i, name in enumerate(intents.names)}
    texts, labels = [], []
    for name, sentences in content.items():
        if name == OUT_OF_DOMAIN_KEY:
            continue
        if name not in index:
            raise ValueError(f"Held-out intent {name!r} is not one of {intents.names}.")
        items = _string_list(sentences, f"Held-out intent {name!r}")
        texts.extend(items)
        labels.extend([index[name]] * len(items))
    return texts, labels


def load_heldout_out_of_domain(path: str | os.PathLike | None = None) -> list[str]:
    """Held-out off-topic messages (the ``out_of_domain:`` list of the held-out file): none of them
    is an ``out_of_domain`` training example. A bot should answer them with its fallback.

    Raises:
        ValueError: if the file has no ``out_of_domain:`` list.
    """
    content = _read_yaml(HELDOUT_FILE if path is None else path)
    if not isinstance(content, dict) or OUT_OF_DOMAIN_KEY not in content:
        raise ValueError("The held-out file has no 'out_of_domain:' list of off-topic messages.")
    return _string_list(content[OUT_OF_DOMAIN_KEY], "Held-out 'out_of_domain'")
