"""``coursework translate --model PATH TEXT…``: translate with a saved seq2seq translator.

The model is a ``.keras`` file written by ``coursework train translator --save PATH`` or
``coursework train transformer-translator --save PATH`` (its vocabularies travel inside it).
Unknown words are an error by default (``--unknown unk`` replaces
them with ``[UNK]`` instead); inputs longer than the model's source length are an error.

Example:
    $ python -m coursework train translator --save numeros.keras
    $ python -m coursework translate --model numeros.keras "trescientos veintiuno" "veintiún mil"
    three hundred twenty-one
    twenty-one thousand
"""

from __future__ import annotations

from coursework.commands import capped
from coursework.commands.generate import check_beam_and_length
from coursework.generation.search import MAX_BEAM_WIDTH, MAX_LENGTH


def register(subparsers) -> None:
    parser = subparsers.add_parser("translate", help="translate text with a saved seq2seq model")
    parser.add_argument("texts", nargs="+", metavar="TEXT", help="text(s) to translate")
    parser.add_argument(
        "--model",
        metavar="PATH",
        required=True,
        help="a .keras file saved by `train translator --save` or `train transformer-translator --save`",
    )
    parser.add_argument(
        "--beam",
        type=capped(MAX_BEAM_WIDTH, "MAX_BEAM_WIDTH"),
        default=1,
        metavar="N",
        help=f"beam width (default 1: greedy decoding; at most {MAX_BEAM_WIDTH})",
    )
    parser.add_argument(
        "--max-length",
        type=capped(MAX_LENGTH, "MAX_LENGTH"),
        default=None,
        metavar="N",
        help=f"maximum output tokens (default: the model's; at most {MAX_LENGTH})",
    )
    parser.add_argument(
        "--unknown",
        choices=("error", "unk"),
        default="error",
        help="unknown words: fail (default) or replace them by [UNK]",
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    check_beam_and_length(args.beam, args.max_length, "--max-length")
    for text in args.texts:
        if not text.strip():
            raise ValueError("Empty text: write at least one word to translate.")
    from coursework.model_kinds import require_kind

    require_kind(args.model, ("translator", "seq2seq-bot"), "translate")  # before Keras loads
    from coursework.generation.seq2seq import load_translator

    translator = load_translator(args.model, on_unknown=args.unknown)
    for translation in translator.translate(args.texts, beam_width=args.beam, max_length=args.max_length):
        print(translation)
    return 0
