"""``coursework generate``: continue a prompt with a saved language model (sampling or beam search).

``--beam``, ``--length`` and their product are checked against the library's caps
(:data:`~coursework.generation.search.MAX_BEAM_WIDTH`, :data:`~coursework.generation.search.MAX_LENGTH`,
:data:`~coursework.generation.search.MAX_BEAM_TOKENS`) while the arguments are parsed, before any model
loads. Generations of :data:`PROGRESS_FROM` tokens or more show a progress bar on stderr.

Example:
    $ python -m coursework train char-generator --save chars.keras
    $ python -m coursework generate --model chars.keras --prompt "señorías, " --temperature 0.5
    $ python -m coursework generate --model chars.keras --prompt "señorías, " --beam 5 --length 60
    $ python -m coursework train gpt --save gpt.keras
    $ python -m coursework generate --model gpt.keras --prompt "señorías, " --top-p 0.9 --length 40

A GPT (``train gpt``) generates sub-word tokens; a prompt longer than its context window is cut to
its last tokens, with a note on stderr (:mod:`coursework.generation.gpt`).
"""

from __future__ import annotations

import argparse

from coursework.commands import capped, non_negative_int, positive
from coursework.generation.search import DEFAULT_TEMPERATURE, MAX_BEAM_WIDTH, MAX_LENGTH, check_limits

PROGRESS_FROM = 2_000
"""Generations of at least this many tokens show a progress bar on stderr."""


def check_beam_and_length(beam: int | None, length: int | None, length_flag: str) -> None:
    """The beam width × length cap, as a usage error naming the flags (before any model loads)."""
    from coursework.cli import UsageError

    if beam is not None and length is not None:
        try:
            check_limits(beam, length)
        except ValueError as exc:
            raise UsageError(f"--beam {beam} with {length_flag} {length}: {exc}") from None


def progress_bar(total: int):
    """A tqdm bar on stderr for ``total`` tokens, or ``None`` (quiet) under :data:`PROGRESS_FROM`."""
    if total < PROGRESS_FROM:
        return None
    import sys

    from tqdm.auto import tqdm

    return tqdm(total=total, file=sys.stderr, unit="token", desc="generando", leave=False)


def _option(check, flag: str):
    """An argparse ``type`` that parses a number and checks it with the library's ``check`` (its
    ``ValueError`` names the flag)."""

    def parse(text: str):
        try:
            value = int(text) if flag == "--top-k" else float(text)
        except ValueError:
            value = text
        try:
            return check(value, name=flag)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = flag
    return parse


def register(subparsers) -> None:
    from coursework.generation.filters import check_top_k, check_top_p

    parser = subparsers.add_parser("generate", help="continue a prompt with a saved language model")
    parser.add_argument(
        "--model",
        required=True,
        metavar="PATH",
        help="a .keras model saved by `train char-generator|word-lm|gpt --save PATH`",
    )
    parser.add_argument("--prompt", required=True, help="text to continue")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--temperature",
        type=positive(float),
        default=DEFAULT_TEMPERATURE,
        help=f"sampling temperature (default {DEFAULT_TEMPERATURE}; lower = more conservative)",
    )
    mode.add_argument(
        "--beam",
        type=capped(MAX_BEAM_WIDTH, "MAX_BEAM_WIDTH"),
        default=None,
        metavar="K",
        help=f"beam search with K beams instead of sampling (at most {MAX_BEAM_WIDTH})",
    )
    parser.add_argument(
        "--length",
        type=capped(MAX_LENGTH, "MAX_LENGTH"),
        default=None,
        help=f"tokens to generate (default 200 characters / 20 words; at most {MAX_LENGTH})",
    )
    parser.add_argument(
        "--top-k",
        type=_option(check_top_k, "--top-k"),
        default=None,
        metavar="K",
        help="sample only among the K most probable tokens (K >= 1)",
    )
    parser.add_argument(
        "--top-p",
        type=_option(check_top_p, "--top-p"),
        default=None,
        metavar="P",
        help="sample only among the most probable tokens that hold probability P (0 < P <= 1)",
    )
    parser.add_argument("--seed", type=non_negative_int, default=None, help="random seed for sampling")
    parser.add_argument(
        "--samples",
        type=positive(int),
        default=1,
        help="number of samples, or of beams shown with --beam (default 1)",
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    import numpy as np

    check_beam_and_length(args.beam, args.length, "--length")
    if args.beam and (args.top_k is not None or args.top_p is not None):
        from coursework.cli import UsageError

        raise UsageError("--top-k and --top-p filter sampling; they do not apply to --beam.")
    try:  # bytes that are not UTF-8 in argv arrive as lone surrogates (surrogateescape)
        args.prompt.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"--prompt is not valid UTF-8 text ({exc.reason} at character {exc.start})."
        ) from None
    from coursework.model_kinds import require_kind

    require_kind(args.model, ("language-model",), "generate")  # before Keras loads

    import coursework.layers.vocabulary  # noqa: F401  (registers TokenVocabulary before loading)
    from coursework.models.generator import vocabulary_of
    from coursework.persistence import load_model

    model = load_model(args.model)
    if vocabulary_of(model).level == "subword":
        return _run_gpt(model, args)
    from coursework.generation.text import RecurrentStepper, beam_search, generate

    stepper = RecurrentStepper(model)
    length = args.length or (20 if stepper.level == "word" else 200)
    joiner = " " if stepper.level == "word" else ""
    prompt = args.prompt
    stepper.encode(prompt)  # fail early, with the list of unknown characters
    if args.beam:
        bar = progress_bar(length)
        results = beam_search(
            stepper,
            prompt,
            beam_width=args.beam,
            max_length=length,
            progress=None if bar is None else bar.update,
        )
        if bar is not None:
            bar.close()
        for text, score in results[: args.samples]:
            print(f"[{score:.3f}] {prompt}{joiner}{text}")
        return 0
    rng = np.random.default_rng(args.seed)
    for _ in range(args.samples):
        bar = progress_bar(length)
        text = generate(
            stepper,
            prompt,
            length,
            args.temperature,
            rng=rng,
            progress=None if bar is None else bar.update,
            top_k=args.top_k,
            top_p=args.top_p,
        )
        if bar is not None:
            bar.close()
        print(f"{prompt}{joiner}{text}")
    return 0


def _run_gpt(model, args) -> int:
    """``generate`` for a GPT: sub-word tokens, the prompt cut to the context window with a note."""
    import sys
    import warnings

    import numpy as np

    from coursework.generation.gpt import GPTStepper, PromptCutWarning, beam_search, generate

    stepper = GPTStepper(model)
    length = args.length or min(40, stepper.context_length - 1)
    if length >= stepper.context_length:
        raise ValueError(
            f"--length {length} does not fit the model's context window of {stepper.context_length} "
            f"tokens: use --length {stepper.context_length - 1} or less."
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PromptCutWarning)
        stepper.prompt_ids(args.prompt, length)
    for warning in caught:
        print(f"note: {warning.message}", file=sys.stderr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PromptCutWarning)
        if args.beam:
            results = beam_search(stepper, args.prompt, beam_width=args.beam, max_length=length)
            for text, score in results[: args.samples]:
                print(f"[{score:.3f}] {args.prompt} {text}")
            return 0
        rng = np.random.default_rng(args.seed)
        for _ in range(args.samples):
            text = generate(
                stepper, args.prompt, length, args.temperature, top_k=args.top_k, top_p=args.top_p, rng=rng
            )
            print(f"{args.prompt} {text}")
    return 0
