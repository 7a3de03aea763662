"""BERT in practice (class 7, seed decks 000 and 001): MiniLM offline, the classifier, masked-LM, summaries.

One module per job; this package re-exports their public names, so ``from coursework.models import
bert`` then ``bert.load_minilm()`` works:

- :mod:`~coursework.models.bert.loading`: :func:`minilm_dir`, :func:`load_minilm` →
  ``(backbone, tokenizer)``, :func:`make_preprocessor` (packs ``[CLS] … [SEP]``), :func:`tokenize`
  (warns how many texts are truncated; ``sequence_length`` above the model's 512 positions raises);
- :mod:`~coursework.models.bert.encoding`: :func:`encode`, :func:`predict_tokens` in length batches;
- :mod:`~coursework.models.bert.classifier`: :func:`build_bert_classifier` (backbone → masked mean
  pooling → Dropout → Dense(sigmoid)), :func:`set_backbone_trainable`, and
  :func:`raw_text_bert_classifier`, the model on raw strings that saves and loads with
  ``keras.saving.load_model`` after ``import coursework.layers``;
- :mod:`~coursework.models.bert.pretraining`: :func:`build_tiny_bert`, :func:`spanish_tokenizer`,
  :func:`masked_lm_dataset` (dynamic masking with ``keras_hub.layers.MaskedLMMaskGenerator``),
  :func:`build_masked_lm` (loss averaged over the masked positions only), :func:`masked_lm_test_set`,
  :func:`most_frequent_piece`, :func:`masked_lm_accuracy` (held-out accuracy against the
  most-frequent-piece baseline), :func:`fill_mask`;
- :mod:`~coursework.models.bert.next_sentence`: :func:`next_sentence_pairs`, :func:`pair_inputs`,
  :func:`pair_dataset`, :func:`build_next_sentence_classifier` (is B the continuation of A?) and
  :func:`shared_word_share`, the words A and B share (a rule to compare with);
- :mod:`~coursework.models.bert.analysis`: :func:`contextual_vectors`, :func:`cosine_matrix`,
  :func:`sentence_embeddings`, :func:`extractive_summary`.

The settings and the two-phase fine-tuning loop (``BertSettings``, ``train_bert_classifier``) and the
masked-LM settings live in :mod:`coursework.recipes.bert_training`.
"""

from coursework.layers.bert_preprocessor import SPECIAL_TOKENS, BertTextPreprocessor
from coursework.models.bert.analysis import (
    BANK_SENTENCES,
    contextual_vectors,
    cosine_matrix,
    extractive_summary,
    sentence_embeddings,
    split_sentences,
)
from coursework.models.bert.classifier import (
    build_bert_classifier,
    raw_text_bert_classifier,
    set_backbone_trainable,
    text_preprocessor_layer,
)
from coursework.models.bert.encoding import encode, length_batches, mean_pool, predict_tokens
from coursework.models.bert.loading import (
    MINILM_PACKAGE,
    load_minilm,
    make_preprocessor,
    max_positions,
    minilm_dir,
    tokenize,
)
from coursework.models.bert.next_sentence import (
    build_next_sentence_classifier,
    next_sentence_pairs,
    pair_dataset,
    pair_inputs,
    shared_word_share,
)
from coursework.models.bert.pretraining import (
    MASK_TOKEN_RATE,
    RANDOM_TOKEN_RATE,
    build_masked_lm,
    build_tiny_bert,
    fill_mask,
    masked_lm_accuracy,
    masked_lm_dataset,
    masked_lm_test_set,
    most_frequent_piece,
    spanish_tokenizer,
)

__all__ = [
    "BANK_SENTENCES",
    "MASK_TOKEN_RATE",
    "MINILM_PACKAGE",
    "RANDOM_TOKEN_RATE",
    "SPECIAL_TOKENS",
    "BertTextPreprocessor",
    "build_bert_classifier",
    "build_masked_lm",
    "build_next_sentence_classifier",
    "build_tiny_bert",
    "contextual_vectors",
    "cosine_matrix",
    "encode",
    "extractive_summary",
    "fill_mask",
    "length_batches",
    "load_minilm",
    "make_preprocessor",
    "masked_lm_accuracy",
    "masked_lm_dataset",
    "masked_lm_test_set",
    "max_positions",
    "mean_pool",
    "most_frequent_piece",
    "next_sentence_pairs",
    "pair_dataset",
    "pair_inputs",
    "minilm_dir",
    "predict_tokens",
    "raw_text_bert_classifier",
    "sentence_embeddings",
    "shared_word_share",
    "set_backbone_trainable",
    "spanish_tokenizer",
    "split_sentences",
    "text_preprocessor_layer",
    "tokenize",
]
