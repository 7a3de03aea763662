"""Dialogue pairs shipped inside PyPI packages (offline): Spanish chatterbot-corpus, English chitchat.

- Spanish: ``chatterbot-corpus`` 1.3.3, ``chatterbot_corpus/data/spanish/*.yml``: 280 conversations,
  684 consecutive ``(statement, reply)`` pairs.
- English: ``chitchat-dataset`` 0.9.0, ``chitchat_dataset/dataset.json``: 7,168 conversations made of
  turns (consecutive messages of one speaker, joined here with a space), 131,557
  ``(turn, next turn)`` pairs (the 12 pairs around empty turns are dropped).

Order is fixed (files sorted by name, conversations in file order), so slices are reproducible.

Example:
    >>> from coursework.datasets.dialogue import load_spanish_chatterbot_pairs, load_chitchat_pairs
    >>> pairs = load_spanish_chatterbot_pairs()
    >>> len(pairs), pairs[0][0]
    (684, 'Qué es la IA')
    >>> load_chitchat_pairs(limit=1)
    [('Hello How are you doing today?', 'whats up MD im doing good how are you doing?')]
"""

from __future__ import annotations

import functools
import json

from coursework.datasets.package_data import package_dir, package_file

CHATTERBOT_PACKAGE = "chatterbot_corpus"
CHATTERBOT_SPANISH_DIR = "data/spanish"
CHITCHAT_PACKAGE = "chitchat_dataset"
CHITCHAT_FILE = "dataset.json"


def _clean(value) -> str:
    """YAML can turn a line such as ``42`` or ``sí: no`` into a non-string; normalise to text."""
    return " ".join(str(value).split())


@functools.cache
def _spanish_conversations() -> tuple[tuple[str, tuple[str, ...]], ...]:
    import yaml

    folder = package_dir(CHATTERBOT_PACKAGE) / CHATTERBOT_SPANISH_DIR
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise FileNotFoundError(f"No Spanish .yml files in {folder}; reinstall 'chatterbot-corpus'.")
    conversations = []
    for path in files:
        with open(path, encoding="utf-8") as handle:
            content = yaml.safe_load(handle) or {}
        for conversation in content.get("conversations", []):
            lines = tuple(_clean(line) for line in conversation if _clean(line))
            if len(lines) >= 2:
                conversations.append((path.stem, lines))
    return tuple(conversations)


def load_spanish_chatterbot_conversations(with_category: bool = False):
    """The 280 Spanish chatterbot-corpus conversations, each a list of lines.

    With ``with_category=True`` each item is ``(category, lines)``, the category being the file's
    name (``greetings``, ``dinero``, ``IA``, …).

    Example:
        >>> [c for c in load_spanish_chatterbot_conversations() if c[0] == 'Saludos'][0]
        ['Saludos', 'Hola']
    """
    conversations = _spanish_conversations()
    if with_category:
        return [(category, list(lines)) for category, lines in conversations]
    return [list(lines) for _, lines in conversations]


def load_spanish_chatterbot_pairs() -> list[tuple[str, str]]:
    """All 684 consecutive ``(statement, reply)`` pairs of the Spanish chatterbot-corpus.

    Example:
        >>> ('Qué tal', 'Muy buenas, encantado de saludarte') in load_spanish_chatterbot_pairs()
        True
    """
    return [(lines[i], lines[i + 1]) for _, lines in _spanish_conversations() for i in range(len(lines) - 1)]


@functools.cache
def _chitchat_turns() -> tuple[tuple[str, ...], ...]:
    path = package_file(CHITCHAT_PACKAGE, CHITCHAT_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON ({exc}); reinstall 'chitchat-dataset'.") from None
    conversations = []
    for conversation in data.values():
        turns = []
        for turn in conversation.get("messages", []):
            text = " ".join(_clean(message.get("text", "")) for message in turn).strip()
            if text:
                turns.append(text)
        conversations.append(tuple(turns))
    return tuple(conversations)


def load_chitchat_conversations(limit: int | None = None) -> list[list[str]]:
    """The chitchat conversations (7,168), each a list of turns; ``limit`` keeps the first ones."""
    conversations = _chitchat_turns()
    if limit is not None:
        conversations = conversations[: _check_limit(limit)]
    return [list(turns) for turns in conversations]


def load_chitchat_pairs(limit: int | None = None) -> list[tuple[str, str]]:
    """English ``(turn, next turn)`` pairs from chitchat-dataset (131,557 in all).

    Args:
        limit: keep only the first ``limit`` pairs (in the dataset's order); ``None`` keeps all.

    Raises:
        ValueError: if ``limit`` is not a positive integer.
    """
    limit = None if limit is None else _check_limit(limit)
    pairs: list[tuple[str, str]] = []
    for turns in _chitchat_turns():
        for i in range(len(turns) - 1):
            pairs.append((turns[i], turns[i + 1]))
            if limit is not None and len(pairs) >= limit:
                return pairs
    return pairs


def _check_limit(limit) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}.")
    return limit
