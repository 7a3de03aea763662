"""Recipe ``chatbot``: a generative seq2seq bot on English chitchat + Spanish chatterbot pairs.

Course limits (class 6): vocabulary ≤ 8000, messages and replies of about 10 words, 128 units,
dropout 0.2, and an option to start from pre-trained (GloVe 50d) embeddings. The 684 Spanish pairs
are repeated so that they weigh against the English ones. With this data and time the model learns
the most likely first words of a reply, not an answer to the message: the notebook measures its
replies (degenerate ones, distinct-n, perplexity against a unigram) and compares decoding options
with a retrieval bot.

Example:
    >>> from coursework.recipes.chatbot import settings_for
    >>> s = settings_for("full")
    >>> s.vocabulary_size <= 8000, s.max_length, s.units, s.dropout
    (True, 10, 128, 0.2)
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from coursework.recipes import Recipe, RecipeSettings, register


@dataclasses.dataclass(frozen=True)
class ChatbotSettings(RecipeSettings):
    """Everything that decides a chat-bot training run besides the seed (``ci``: a few thousand pairs,
    three epochs)."""

    CI: ClassVar[dict] = {"english_pairs": 2_000, "spanish_repeats": 2, "epochs": 3, "batch_size": 64}
    english_pairs: int = 8_000
    spanish_repeats: int = 4
    max_length: int = 10
    vocabulary_size: int = 8000
    min_count: int = 2
    units: int = 128
    embedding_dim: int = 50
    dropout: float = 0.2
    attention: str | None = "general"
    pretrained_embeddings: bool = False
    epochs: int = 20
    batch_size: int = 128
    learning_rate: float = 3e-3
    validation: float = 0.05


#: The recipe's settings for a profile, with overrides: ``settings_for("ci", epochs=1)``.
settings_for = ChatbotSettings.for_profile


def _fits(text: str, max_length: int) -> bool:
    from coursework.text import seq2seq_tokenize

    return 0 < len(seq2seq_tokenize(text)) <= max_length


def load_dialogue_pairs(settings: ChatbotSettings, seed: int = 0):
    """``{"train": pairs, "validation": pairs}`` of (message, reply) with both sides ≤ max_length words.

    English pairs are read in the dataset's order until ``english_pairs`` short ones are found;
    every short Spanish pair is used, repeated ``spanish_repeats`` times in training. Duplicated pairs
    are kept once; validation holds a share of both languages, never in training.
    """
    import numpy as np

    from coursework.datasets.dialogue import load_chitchat_pairs, load_spanish_chatterbot_pairs

    limit = settings.max_length
    english: list[tuple[str, str]] = []
    for pair in load_chitchat_pairs():
        if _fits(pair[0], limit) and _fits(pair[1], limit):
            english.append(pair)
            if len(english) >= settings.english_pairs:
                break
    spanish = [p for p in load_spanish_chatterbot_pairs() if _fits(p[0], limit) and _fits(p[1], limit)]
    english, spanish = list(dict.fromkeys(english)), list(dict.fromkeys(spanish))  # no duplicates
    rng = np.random.default_rng(seed)
    splits = {"train": [], "validation": []}
    for pairs, repeats in ((english, 1), (spanish, settings.spanish_repeats)):
        order = rng.permutation(len(pairs))
        n_val = max(1, int(round(len(pairs) * settings.validation)))
        splits["validation"] += [pairs[i] for i in order[:n_val]]
        splits["train"] += [pairs[i] for i in order[n_val:]] * repeats
    shuffle = rng.permutation(len(splits["train"]))
    splits["train"] = [splits["train"][i] for i in shuffle]
    return splits


def pretrained_matrix(vocabulary):
    """GloVe 6B 50d rows for a vocabulary (``coursework.embeddings``), with the coverage report."""
    from coursework.embeddings import build_embedding_matrix, load_glove

    return build_embedding_matrix(vocabulary, load_glove())


def build_chatbot_model(pairs, settings: ChatbotSettings, verbose: int | str | None = None):
    """Vocabularies from the training pairs and an (uncompiled) seq2seq model with the course limits."""
    from coursework.models.translator import TARGET_SPECIALS, build_seq2seq_translator, build_vocabulary

    messages, replies = zip(*pairs, strict=False)
    source_vocabulary = build_vocabulary(
        messages, max_size=settings.vocabulary_size, min_count=settings.min_count
    )
    target_vocabulary = build_vocabulary(
        replies, TARGET_SPECIALS, max_size=settings.vocabulary_size, min_count=settings.min_count
    )
    source_matrix = target_matrix = None
    if settings.pretrained_embeddings:
        source_matrix, coverage = pretrained_matrix(source_vocabulary)
        target_matrix, _ = pretrained_matrix(target_vocabulary)
        if verbose != 0:
            print(f"GloVe (mensajes): {coverage}")
    return build_seq2seq_translator(
        source_vocabulary,
        target_vocabulary,
        settings.max_length,
        settings.max_length + 1,
        embedding_dim=settings.embedding_dim,
        units=settings.units,
        attention=settings.attention,
        dropout=settings.dropout,
        source_embeddings=source_matrix,
        target_embeddings=target_matrix,
        name="seq2seq_chatbot",
    )


def token_accuracy(model, pairs, settings: ChatbotSettings) -> dict[str, float]:
    """Teacher-forced next-token accuracy on ``pairs`` and the majority-token baseline."""
    import numpy as np

    from coursework.generation.seq2seq import Seq2SeqTranslator
    from coursework.models.translator import teacher_forcing_arrays

    translator = Seq2SeqTranslator(model, on_unknown="unk", on_long="truncate")
    messages, replies = zip(*pairs, strict=False)
    x, y = teacher_forcing_arrays(
        messages,
        replies,
        translator.source_vocabulary,
        translator.target_vocabulary,
        translator.max_source_length,
        translator.max_target_length,
    )
    predicted = model.predict(x, verbose=0, batch_size=512).argmax(axis=-1)
    real = y != 0
    counts = np.bincount(y[real], minlength=len(translator.target_vocabulary))
    return {
        "token_accuracy": float((predicted[real] == y[real]).mean()),
        "majority_token_accuracy": float(counts.max() / real.sum()),
    }


def reply_perplexity(model, pairs, train_pairs) -> dict[str, float]:
    """Per-token perplexity of the real replies of ``pairs`` (teacher forcing, ``[END]`` included,
    padding excluded) next to a unigram baseline: the replies' token frequencies in ``train_pairs``
    with add-one smoothing over the target vocabulary."""
    import numpy as np

    from coursework.models.translator import teacher_forcing_arrays

    vocabularies = tuple(model.get_layer(f"{side}_embedding").vocabulary for side in ("source", "target"))
    lengths = (model.inputs[0].shape[1], model.inputs[1].shape[1])
    x, y = teacher_forcing_arrays(*zip(*pairs, strict=False), *vocabularies, *lengths)
    _, train_y = teacher_forcing_arrays(*zip(*train_pairs, strict=False), *vocabularies, *lengths)
    probs = model.predict(x, verbose=0, batch_size=512)
    real = y != 0
    model_nll = -np.log(np.take_along_axis(probs, y[..., None], axis=-1)[..., 0][real] + 1e-12)
    counts = np.bincount(train_y[train_y != 0], minlength=probs.shape[-1]).astype("float64") + 1.0
    unigram_nll = -np.log(counts / counts.sum())[y[real]]
    return {
        "perplexity": float(np.exp(model_nll.mean())),
        "unigram_perplexity": float(np.exp(unigram_nll.mean())),
    }


def reply_diversity(replies) -> dict[str, float]:
    """Degenerate replies (one word, or one word repeated), distinct-1 and distinct-2 of ``replies``."""
    from coursework.metrics import distinct_n, is_degenerate

    return {
        "replies": len(replies),
        "degenerate": sum(map(is_degenerate, replies)),
        "distinct_1": distinct_n(replies, 1),
        "distinct_2": distinct_n(replies, 2),
    }


def fit_chatbot(model, pairs, settings: ChatbotSettings, *, verbose: int | str | None = None):
    """Compile and train the bot model on teacher-forced ``pairs``; returns the Keras ``History``."""
    from coursework.models.translator import compile_translator, teacher_forcing_arrays
    from coursework.training import resolve_verbose

    compile_translator(model, settings.learning_rate)
    source_vocabulary = model.get_layer("source_embedding").vocabulary
    target_vocabulary = model.get_layer("target_embedding").vocabulary
    arrays = {
        split: teacher_forcing_arrays(
            *zip(*pairs[split], strict=False),
            source_vocabulary,
            target_vocabulary,
            settings.max_length,
            settings.max_length + 1,
        )
        for split in pairs
    }
    x, y = arrays["train"]
    return model.fit(
        x,
        y,
        validation_data=arrays["validation"],
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        verbose=resolve_verbose(verbose),
    )


def train_chatbot(settings: ChatbotSettings, *, seed: int = 42, verbose: int | str | None = None):
    """Seed, load the pairs, build and train the bot model. Returns ``(model, pairs, history)``."""
    from coursework.training import set_seed

    set_seed(seed)
    pairs = load_dialogue_pairs(settings, seed=seed)
    model = build_chatbot_model(pairs["train"], settings, verbose=verbose)
    return model, pairs, fit_chatbot(model, pairs, settings, verbose=verbose)


class ChatbotRecipe(Recipe, name="chatbot", metric="token_accuracy", notebook="06c_chatbot.ipynb"):
    """generative seq2seq chat bot (English chitchat + Spanish chatterbot pairs)."""

    dataset = "chitchat-dataset (8,000 short pairs) + chatterbot-corpus Spanish (684 pairs)"
    settings_for = staticmethod(settings_for)
    load = staticmethod(load_dialogue_pairs)

    def build(self, data, settings):
        return build_chatbot_model(data["train"], settings, verbose=0)

    def fit(self, model, data, settings, verbose):
        return fit_chatbot(model, data, settings, verbose=verbose).history

    def evaluate(self, model, data, settings):
        return token_accuracy(model, data["validation"], settings)

    def describe(self, settings):
        embedding = "GloVe 50d" if settings.pretrained_embeddings else f"Embedding {settings.embedding_dim}"
        attention = f"{settings.attention} attention" if settings.attention else "no attention"
        return (
            f"{embedding} + GRU {settings.units} encoder-decoder, {attention}, dropout "
            f"{settings.dropout}, vocab ≤ {settings.vocabulary_size}"
        )


register(ChatbotRecipe())
