"""``coursework generate``: continue a prompt with a saved language model (sampling or beam search).

``--beam``, ``--length`` and their product are checked against the library's caps
(:data:`~coursework.generation.search.MAX_BEAM_WIDTH`, :data:`~coursework.generation.search.MAX_LENGTH`,
:data:`~coursework.generation.search.MAX_BEAM_TOKENS`) while the arguments are parsed, before any model
loads. Generations of :data:`PROGRESS_FROM` tokens or more show a progress bar on stderr.

Example:
    $ python -m coursework train char-generator --save chars.keras
    $ python -m coursework generate --model chars.keras --prompt "señorías, " --temperature 0.5
    $ python -m coursework generate --model chars.keras --prompt "señorías, " --beam 5 --length 60
"""

from __future__ import annotations

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


def register(subparsers) -> None:
    parser = subparsers.add_parser("generate", help="continue a prompt with a saved language model")
    parser.add_argument(
        "--model",
        required=True,
        metavar="PATH",
        help="a .keras model saved by `train char-generator|word-lm --save PATH`",
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
    try:  # bytes that are not UTF-8 in argv arrive as lone surrogates (surrogateescape)
        args.prompt.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"--prompt is not valid UTF-8 text ({exc.reason} at character {exc.start})."
        ) from None
    from coursework.model_kinds import require_kind

    require_kind(args.model, ("language-model",), "generate")  # before Keras loads

    import coursework.layers.vocabulary  # noqa: F401  (registers TokenVocabulary before loading)
    from coursework.generation.text import RecurrentStepper, beam_search, generate
    from coursework.persistence import load_model

    stepper = RecurrentStepper(load_model(args.model))
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
            stepper, prompt, length, args.temperature, rng=rng, progress=None if bar is None else bar.update
        )
        if bar is not None:
            bar.close()
        print(f"{prompt}{joiner}{text}")
    return 0
