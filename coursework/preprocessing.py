"""Spanish text preprocessing for class 2: normalise, tokenise, drop stop words, stem or lemmatise.

Every step is a small function so the notebook can show a sentence going through each one
(:func:`pipeline_steps`). Everything works offline: the stop-word list comes from the ``stop-words``
package (652 Spanish words, shipped inside the wheel), stemming is NLTK's Snowball Spanish stemmer
(pure Python, no ``nltk.download``) and lemmatisation is ``simplemma``'s Spanish lemma dictionary
(shipped inside its wheel, no download).

Example:
    >>> preprocess("¡Mañana NO iré al pingüinario, 2 veces!")
    ['mañan', 'ire', 'pinguinari', '<num>']
    >>> strip_accents("Ñandú pingüino", keep_enye=True)
    'Ñandu pinguino'
"""

from __future__ import annotations

import functools
import re
import unicodedata

from coursework.text import NUMBER_TOKEN, as_text, word_tokenize

__all__ = [
    "NUMBER_MODES",
    "NUMBER_TOKEN",
    "handle_numbers",
    "pipeline_steps",
    "pipeline_table",
    "preprocess",
    "lemmatize",
    "lemmatize_word",
    "remove_stop_words",
    "spanish_stop_words",
    "stem",
    "stem_word",
    "strip_accents",
    "tokenize",
]

NUMBER_MODES = ("keep", "remove", "token")

# A number: digits with optional thousands/decimal separators ("1.000", "3,5", "2024"), standing
# alone (digits inside a word such as "mp3" or "covid19" are part of the word).
_NUMBER = re.compile(r"(?<![^\W_])\d+(?:[.,]\d+)*(?![^\W_])")
_ENYE = {"\u00f1": "\x00", "\u00d1": "\x01"}  # ñ / Ñ protected while accents are stripped

# The tokeniser of this class lives in coursework.text (one tokeniser module for the package);
# ``tokenize`` stays importable from here for notebook 02a.
tokenize = word_tokenize


def strip_accents(text: str, keep_enye: bool = True) -> str:
    """Remove accents and diaereses (á→a, ü→u); keep ñ/Ñ when ``keep_enye`` is true.

    Example:
        >>> strip_accents("¿Cuántos años tenés?"), strip_accents("años", keep_enye=False)
        ('¿Cuantos años tenes?', 'anos')
    """
    text = as_text(text)
    if keep_enye:
        for letter, mark in _ENYE.items():
            text = text.replace(letter, mark)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    if keep_enye:
        for letter, mark in _ENYE.items():
            text = text.replace(mark, letter)
    return unicodedata.normalize("NFC", text)


def handle_numbers(text: str, mode: str = "token") -> str:
    """Numbers (``2``, ``1.000``, ``3,5``) kept as they are, removed, or replaced by ``<num>``.

    Example:
        >>> handle_numbers("Cuesta 1.500 pesos y 3,5 kg"), handle_numbers("2 o 3", "remove")
        ('Cuesta <num> pesos y <num> kg', ' o ')
    """
    text = as_text(text)
    if mode not in NUMBER_MODES:
        raise ValueError(f"numbers must be one of {', '.join(NUMBER_MODES)}, got {mode!r}.")
    if mode == "keep":
        return text
    return _NUMBER.sub(NUMBER_TOKEN if mode == "token" else "", text)


@functools.cache
def _raw_stop_words() -> frozenset[str]:
    try:
        from stop_words import get_stop_words
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            "The Spanish stop-word list needs the 'stop-words' package: pip install stop-words"
        ) from exc
    return frozenset(word.lower() for word in get_stop_words("spanish"))


@functools.cache
def spanish_stop_words(strip: bool = False, keep_enye: bool = True) -> frozenset[str]:
    """The Spanish stop words of the ``stop-words`` package, lowercase (accents stripped if ``strip``).

    Example:
        >>> {"de", "la", "que"} <= spanish_stop_words()
        True
        >>> "estas" in spanish_stop_words(strip=True)
        True
    """
    words = _raw_stop_words()
    if strip:
        words = frozenset(strip_accents(w, keep_enye=keep_enye) for w in words)
    return words


def remove_stop_words(tokens: list[str], stop_words=None) -> list[str]:
    """Drop the tokens (compared lowercase) that are in ``stop_words`` (default: the Spanish list).

    Example:
        >>> remove_stop_words(["el", "perro", "de", "Juan"])
        ['perro', 'Juan']
    """
    stop = spanish_stop_words() if stop_words is None else stop_words
    return [t for t in tokens if t.lower() not in stop]


@functools.lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("spanish")


MAX_STEM_LENGTH = 40  # longer "words" (URLs, key mashing) are left as they are: stemming them is slow


@functools.lru_cache(maxsize=100_000)
def stem_word(word: str) -> str:
    """Snowball Spanish stem of one word (``<num>`` and words over 40 characters are left alone)."""
    if word == NUMBER_TOKEN or len(word) > MAX_STEM_LENGTH:
        return word.lower()
    return _stemmer().stem(word)


def stem(tokens: list[str]) -> list[str]:
    """Snowball Spanish stems (NLTK, no data download); the stemmer also lowercases.

    Example:
        >>> stem(["corriendo", "canciones", "niños"])
        ['corr', 'cancion', 'niñ']
    """
    return [stem_word(t) for t in tokens]


@functools.lru_cache(maxsize=100_000)
def lemmatize_word(word: str) -> str:
    """Dictionary form of one Spanish word (``simplemma``'s offline Spanish table), lowercase.

    Unknown words, ``<num>`` and words over 40 characters come back lowercased. The table is
    written with accents: ``"corrió"`` → ``"correr"``, but ``"corrio"`` is unknown.
    """
    if word == NUMBER_TOKEN or len(word) > MAX_STEM_LENGTH:
        return word.lower()
    try:
        import simplemma
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            "Spanish lemmas need the 'simplemma' package: pip install simplemma"
        ) from exc
    return simplemma.lemmatize(word, lang="es").lower()


def lemmatize(tokens: list[str]) -> list[str]:
    """Spanish lemmas (dictionary forms) of the tokens, lowercase; see :func:`lemmatize_word`.

    Example:
        >>> lemmatize(["corrió", "canciones", "niños", "fuimos"])
        ['correr', 'canción', 'niño', 'ir']
    """
    return [lemmatize_word(t) for t in tokens]


def preprocess(
    text: str,
    *,
    lowercase: bool = True,
    accents: bool = False,
    keep_enye: bool = True,
    numbers: str = "token",
    keep_punctuation: bool = False,
    stop_words: bool = True,
    stemming: bool = True,
    lemmas: bool = False,
) -> list[str]:
    """The whole pipeline: lowercase → strip accents → numbers → tokens → stop words → stems.

    With ``lemmas=True`` (and ``stemming=False``) the words are lemmatised instead of stemmed; the
    lemma table needs the accents, so they are stripped *after* lemmatising:
    lowercase → numbers → tokens → stop words → lemmas → strip accents.

    Args:
        text: the text; an empty or blank one gives ``[]``.
        lowercase: lowercase first.
        accents: keep accents (``True``) or strip them (``False``, the default).
        keep_enye: when stripping accents, keep ``ñ`` (else ``ñ`` → ``n``).
        numbers: ``"keep"``, ``"remove"`` or ``"token"`` (replace by ``<num>``).
        keep_punctuation: keep ``¿ ¡ , .`` etc. as tokens.
        stop_words: drop Spanish stop words.
        stemming: Snowball Spanish stems.
        lemmas: ``simplemma`` Spanish lemmas (needs ``stemming=False``).

    Raises:
        TypeError: if ``text`` is not a string.
        ValueError: if ``numbers`` is not one of the modes, or both ``stemming`` and ``lemmas``.

    Example:
        >>> preprocess("Los niños comían 3 manzanas", stemming=False)
        ['niños', 'comian', '<num>', 'manzanas']
        >>> preprocess("Los niños comían 3 manzanas", stemming=False, lemmas=True)
        ['niño', 'comer', '<num>', 'manzana']
    """
    return _run(text, lowercase, accents, keep_enye, numbers, keep_punctuation, stop_words, stemming, lemmas)[
        -1
    ][1]


def _run(
    text,
    lowercase=True,
    accents=False,
    keep_enye=True,
    numbers="token",
    keep_punctuation=False,
    stop_words=True,
    stemming=True,
    lemmas=False,
) -> list[tuple[str, object]]:
    text = as_text(text)
    if numbers not in NUMBER_MODES:
        raise ValueError(f"numbers must be one of {', '.join(NUMBER_MODES)}, got {numbers!r}.")
    if stemming and lemmas:
        raise ValueError("Choose stems or lemmas, not both: pass stemming=False with lemmas=True.")
    steps: list[tuple[str, object]] = [("original", text)]
    if lowercase:
        text = text.lower()
        steps.append(("minúsculas", text))
    if not accents and not lemmas:
        text = strip_accents(text, keep_enye=keep_enye)
        steps.append(("sin tildes" + (" (con ñ)" if keep_enye else ""), text))
    if numbers != "keep":
        text = handle_numbers(text, numbers)
        steps.append((f"números ({numbers})", text))
    tokens = word_tokenize(text, keep_punctuation=keep_punctuation)
    steps.append(("tokens" + (" (con puntuación)" if keep_punctuation else " (sin puntuación)"), tokens))
    if stop_words:
        stop = spanish_stop_words(strip=not accents and not lemmas, keep_enye=keep_enye)
        tokens = remove_stop_words(tokens, stop)
        steps.append(("sin stop words", tokens))
    if stemming:
        tokens = stem(tokens)
        steps.append(("raíces (Snowball)", tokens))
    if lemmas:
        tokens = lemmatize(tokens)
        steps.append(("lemas (simplemma)", tokens))
        if not accents:
            tokens = [strip_accents(t, keep_enye=keep_enye) for t in tokens]
            steps.append(("sin tildes" + (" (con ñ)" if keep_enye else ""), tokens))
    return steps


def pipeline_steps(sentence: str, **options) -> list[tuple[str, object]]:
    """``(step, result)`` for each step :func:`preprocess` applies to ``sentence``; the last result
    is what :func:`preprocess` returns. Accepts the same options.

    Example:
        >>> [name for name, _ in pipeline_steps("Hola")][:3]
        ['original', 'minúsculas', 'sin tildes (con ñ)']
    """
    return _run(sentence, **options)


def pipeline_table(sentence: str, **options):
    """A pandas DataFrame (columns ``paso``, ``resultado``) with the sentence after each step.

    Example:
        >>> pipeline_table("¡Hola, mundo!").iloc[-1]["resultado"]
        'hol mund'
    """
    import pandas as pd

    rows = [
        (name, value if isinstance(value, str) else " ".join(value))
        for name, value in pipeline_steps(sentence, **options)
    ]
    return pd.DataFrame(rows, columns=["paso", "resultado"])
