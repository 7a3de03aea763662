"""``coursework chat``: talk to a bot of the course (intent, retrieval, or a saved model).

``--bot intent`` trains the class-2 intent bot on ``data/intents_es.yaml`` (a few seconds, quietly);
``--bot retrieval`` builds the TF-IDF bot over the Spanish chatterbot-corpus; ``--bot PATH`` (or
``--model PATH``) loads a saved model: an intent-bot network saved by ``train intent-bot --save``,
or a class-6 seq2seq bot through :func:`coursework.bots.seq2seq.load_seq2seq_bot`. A model of
another kind (a translator, a sentiment classifier, a language model) is refused by name before it
loads (:func:`coursework.model_kinds.require_kind`).

Example:
    $ python -m coursework chat --bot intent --once "hola"
    $ python -m coursework chat --bot retrieval          # interactive; "salir" or Ctrl-D ends
"""

from __future__ import annotations

import argparse
import math
import pathlib
import sys

BUILTIN_BOTS = ("intent", "retrieval")
EXIT_WORDS = {"salir", "exit", "quit", ":q"}


def unit_interval(text: str) -> float:
    """An argparse ``type`` for ``--threshold``: a number from 0 to 1 (checked while parsing).

    Example:
        >>> unit_interval("0.3")
        0.3
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}")
    return value


def register(subparsers) -> None:
    parser = subparsers.add_parser("chat", help="talk to a bot: intent, retrieval or a saved model")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--bot",
        metavar="intent|retrieval|PATH",
        help="which bot: 'intent', 'retrieval', or the path of a saved model",
    )
    source.add_argument("--model", metavar="PATH", help="same as --bot PATH")
    parser.add_argument(
        "--once",
        metavar="TEXT",
        default=None,
        help="answer TEXT, print the reply and exit (default: interactive prompt)",
    )
    parser.add_argument(
        "--threshold",
        type=unit_interval,
        default=None,
        metavar="0..1",
        help="confidence / similarity below which the bot gives its fallback reply",
    )
    parser.add_argument(
        "--show-score",
        action="store_true",
        help="also print the intent and confidence, or the matched statement and score",
    )
    parser.set_defaults(handler=run)


def load_bot(spec: str, threshold: float | None = None):
    """The bot named by ``spec``: ``"intent"``, ``"retrieval"`` or a saved model's path.

    Raises:
        FileNotFoundError: if ``spec`` is neither a built-in bot nor an existing path.
        IsADirectoryError: if ``spec`` is a folder.
        ValueError: if the file is not a ``.keras`` model, is a model of another kind (a translator,
            a sentiment classifier, …; named), or the seq2seq bot module is not available.
    """
    options = {} if threshold is None else {"threshold": threshold}
    if spec == "intent":
        from coursework.recipes.intent_bot import train_intent_bot

        return train_intent_bot(verbose=0, **options)
    if spec == "retrieval":
        from coursework.bots.retrieval import RetrievalBot

        return RetrievalBot(**options)
    path = pathlib.Path(spec)
    if not path.exists() and path.suffix != ".keras" and len(path.parts) == 1:  # a name, not a path
        raise FileNotFoundError(
            f"No bot called {spec!r}: use one of {', '.join(BUILTIN_BOTS)} or the path of a saved model."
        )
    from coursework.model_kinds import require_kind

    if require_kind(path, ("intent-bot", "seq2seq-bot"), "chat") == "intent-bot":
        from coursework.bots.intent import IntentBot
        from coursework.persistence import load_model

        return IntentBot(**options).use_model(load_model(path))
    try:
        from coursework.bots.seq2seq import load_seq2seq_bot
    except ImportError as exc:
        raise ValueError(
            f"Cannot load {spec!r}: the seq2seq bot (coursework.bots.seq2seq."
            f"load_seq2seq_bot) is not available in this installation ({exc})."
        ) from None
    return load_seq2seq_bot(path, **options) if options else load_seq2seq_bot(path)


def _answer(bot, text: str, show_score: bool) -> str:
    if not show_score:
        return bot.reply(text)
    if hasattr(bot, "respond"):
        match = bot.respond(text)
        return f"{match.reply}    [score {match.score:.2f}: {match.statement!r}]"
    if hasattr(bot, "predict_intent"):
        intent, confidence = bot.predict_intent(text)
        return f"{bot.reply(text)}    [intent {intent or '-'}, confidence {confidence:.2f}]"
    return bot.reply(text)


def run(args) -> int:
    bot = load_bot(args.model or args.bot, args.threshold)
    if args.once is not None:
        print(_answer(bot, args.once, args.show_score))
        return 0
    print(f"Bot '{getattr(bot, 'name', 'bot')}' listo. Escribí tu mensaje ('salir' o Ctrl-D para terminar).")
    while True:
        try:
            text = input("vos> ")
        except EOFError:
            print()
            return 0
        if text.strip().lower() in EXIT_WORDS:
            return 0
        try:
            print(f"bot> {_answer(bot, text, args.show_score)}")
        except (ValueError, TypeError) as exc:
            print(f"bot> ({exc})", file=sys.stderr)
