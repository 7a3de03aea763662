"""FastText (gensim): word vectors built from character n-grams, so words never seen in training
(misspellings, inflections) still get a vector, next to Word2Vec, which has none for them.

Example:
    >>> sentences = [["el", "gobierno", "aprobó", "los", "presupuestos"]] * 30
    >>> model = train_fasttext(sentences, min_count=1, vector_size=8, epochs=2, progress=False)
    >>> "gobiernos" in model.wv.key_to_index, model.wv["gobiernos"].shape
    (False, (8,))
"""

from __future__ import annotations

from collections.abc import Sequence

from coursework.embeddings.word2vec import check_sentences, epoch_logger


def train_fasttext(
    sentences: Sequence[Sequence[str]],
    sg: bool = False,
    vector_size: int = 100,
    window: int = 5,
    min_count: int = 5,
    epochs: int = 10,
    min_n: int = 3,
    max_n: int = 6,
    bucket: int = 200_000,
    negative: int = 5,
    workers: int = 2,
    seed: int = 42,
    progress: bool = True,
):
    """Train gensim FastText (CBOW or skip-gram over words *and* their character n-grams of
    ``min_n``..``max_n`` letters), printing one line per epoch when ``progress``. Returns the
    ``FastText`` model; ``model.wv[word]`` works for any word made of letters, seen or not.
    """
    from gensim.models import FastText

    check_sentences(sentences)
    if not 1 <= min_n <= max_n:
        raise ValueError(f"Need 1 <= min_n <= max_n, got min_n={min_n}, max_n={max_n}.")
    label = "FastText skip-gram" if sg else "FastText CBOW"
    return FastText(
        sentences=[list(s) for s in sentences],
        sg=int(bool(sg)),
        vector_size=vector_size,
        window=window,
        min_count=min_count,
        epochs=epochs,
        min_n=min_n,
        max_n=max_n,
        bucket=bucket,
        negative=negative,
        workers=workers,
        seed=seed,
        callbacks=[epoch_logger(label, epochs, progress)],
    )


def has_vector(keyed_vectors, word: str) -> bool:
    """Whether ``keyed_vectors`` can give ``word`` a vector: a Word2Vec/GloVe word must be in the
    vocabulary; FastText builds one from the word's n-grams (it needs at least one n-gram bucket)."""
    if word in keyed_vectors.key_to_index:
        return True
    return bool(getattr(keyed_vectors, "bucket", 0)) and len(word) > 0


def unseen_word_neighbours(
    word2vec_vectors, fasttext_vectors, words: Sequence[str], topn: int = 4
) -> list[dict]:
    """For each word: whether each model saw it in training, and its ``topn`` nearest words in each
    model (``None`` where the model has no vector for it).

    Returns:
        ``[{"word", "in_word2vec", "in_fasttext_vocabulary", "word2vec", "fasttext"}]`` with the
        neighbours as ``[(word, cosine)]`` lists.
    """
    rows = []
    for word in words:
        in_w2v = word in word2vec_vectors.key_to_index
        rows.append(
            {
                "word": word,
                "in_word2vec": in_w2v,
                "in_fasttext_vocabulary": word in fasttext_vectors.key_to_index,
                "word2vec": word2vec_vectors.most_similar(word, topn=topn) if in_w2v else None,
                "fasttext": (
                    fasttext_vectors.most_similar(word, topn=topn)
                    if has_vector(fasttext_vectors, word)
                    else None
                ),
            }
        )
    return rows
