"""``coursework export --model PATH --out DIR``: write the .keras file and a TF Serving SavedModel."""

from __future__ import annotations

import argparse
import json

from coursework.commands import positive


def model_name(text: str) -> str:
    """argparse type for ``--name``: a name that can appear in ``/v1/models/<name>:predict``."""
    from coursework.serving.export import check_model_name

    try:
        return check_model_name(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="export a saved text classifier as .keras + TensorFlow SavedModel"
    )
    parser.add_argument("--model", required=True, metavar="PATH", help="the trained model (.keras)")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--name", default=None, type=model_name, help="model name (default: the file's stem)")
    parser.add_argument(
        "--version", type=positive(int), default=1, help="TF Serving version folder (default 1)"
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing export (the old one is removed only once the new one "
        "is written and checked)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from coursework.serving.export import export_model

    result = export_model(
        args.model, args.out, name=args.name, version=args.version, overwrite=args.overwrite
    )
    if args.json:
        print(json.dumps(result.summary()))
        return 0
    print(f"Keras model:      {result.keras_file}")
    print(f"SavedModel:       {result.saved_model}  (signature serving_default: raw strings in)")
    print(f"Max |SavedModel - Keras| on probe texts: {result.max_abs_difference:.2e}")
    print(
        f"TF Serving:       tensorflow_model_server --rest_api_port=8501 --model_name={result.name} "
        f"--model_base_path={result.base_path.resolve()}"
    )
    return 0
