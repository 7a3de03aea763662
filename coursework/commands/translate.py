"""``coursework translate --model PATH TEXT…``: translate with a saved seq2seq translator.

The model is a ``.keras`` file written by ``coursework train translator --save PATH`` (its
vocabularies travel inside it). Unknown words are an error by default (``--unknown unk`` replaces
them with ``[UNK]`` instead); inputs longer than the model's source length are an error.

Example:
    $ python -m coursework train translator --save numeros.keras
    $ python -m coursework translate --model numeros.keras "trescientos veintiuno" "veintiún mil"
    three hundred twenty-one
    twenty-one thousand
"""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser("translate", help="translate text with a saved seq2seq model")
    parser.add_argument("texts", nargs="+", metavar="TEXT", help="text(s) to translate")
    parser.add_argument("--model", metavar="PATH", required=True,
                        help="a .keras file saved by `train translator --save`")
    parser.add_argument("--beam", type=int, default=1, metavar="N",
                        help="beam width (default 1: greedy decoding)")
    parser.add_argument("--max-length", type=int, default=None, metavar="N",
                        help="maximum output tokens (default: the model's)")
    parser.add_argument("--unknown", choices=("error", "unk"), default="error",
                        help="unknown words: fail (default) or replace them by [UNK]")
    parser.set_defaults(handler=run)


def run(args) -> int:
    if args.beam < 1:
        raise ValueError(f"--beam must be a positive integer, got {args.beam}.")
    if args.max_length is not None and args.max_length < 1:
        raise ValueError(f"--max-length must be a positive integer, got {args.max_length}.")
    for text in args.texts:
        if not text.strip():
            raise ValueError("Empty text: write at least one word to translate.")
    from coursework.models.translator import load_translator

    translator = load_translator(args.model, on_unknown=args.unknown)
    for translation in translator.translate(args.texts, beam_width=args.beam,
                                            max_length=args.max_length):
        print(translation)
    return 0
