"""``coursework generate``: continue a prompt with a saved language model (sampling or beam search).

Example:
    $ python -m coursework train char-generator --save chars.keras
    $ python -m coursework generate --model chars.keras --prompt "señorías, " --temperature 0.5
    $ python -m coursework generate --model chars.keras --prompt "señorías, " --beam 5 --length 60
"""

from __future__ import annotations

from coursework.commands import positive


def register(subparsers) -> None:
    parser = subparsers.add_parser("generate", help="continue a prompt with a saved language model")
    parser.add_argument("--model", required=True, metavar="PATH",
                        help="a .keras model saved by `train char-generator|word-lm --save PATH`")
    parser.add_argument("--prompt", required=True, help="text to continue")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--temperature", type=positive(float), default=None,
                      help="sampling temperature (default 0.5; lower = more conservative)")
    mode.add_argument("--beam", type=positive(int), default=None, metavar="K",
                      help="beam search with K beams instead of sampling")
    parser.add_argument("--length", type=positive(int), default=None,
                        help="tokens to generate (default 200 characters / 20 words)")
    parser.add_argument("--seed", type=int, default=None, help="random seed for sampling")
    parser.add_argument("--samples", type=positive(int), default=1,
                        help="number of samples, or of beams shown with --beam (default 1)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    import numpy as np

    import coursework.layers.vocabulary  # noqa: F401  (registers TokenVocabulary before loading)
    from coursework.generation.text import RecurrentStepper, beam_search, generate
    from coursework.persistence import load_model

    stepper = RecurrentStepper(load_model(args.model))
    length = args.length or (20 if stepper.level == "word" else 200)
    joiner = " " if stepper.level == "word" else ""
    prompt = args.prompt
    stepper.encode(prompt)  # fail early, with the list of unknown characters
    if args.beam:
        results = beam_search(stepper, prompt, beam_width=args.beam, max_length=length)
        for text, score in results[: args.samples]:
            print(f"[{score:.3f}] {prompt}{joiner}{text}")
        return 0
    rng = np.random.default_rng(args.seed)
    temperature = args.temperature if args.temperature is not None else 0.5
    for _ in range(args.samples):
        print(f"{prompt}{joiner}{generate(stepper, prompt, length, temperature, rng=rng)}")
    return 0
