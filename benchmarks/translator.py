"""Benchmark: number translator with and without attention, and decoding speed (class 6 targets).

Targets: with attention ≥ 99 % exact match on held-out numbers; the same model without attention
trained to convergence (early stopping on ``val_exact_match``, patience 4), so its figure is its
best, not a straw man; batched greedy decoding ≥ 200 sentences/s on CPU.

Run: ``python benchmarks/translator.py [--profile full|ci] [--epochs N]``. Prints a table, the
exact match per input length, and one JSON line.
"""

from __future__ import annotations

import _bootstrap  # noqa: F401  (first: TensorFlow's start-up lines stay off stderr)

# isort: split
import argparse
import dataclasses
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def run_settings_stop(settings, attention) -> bool:
    """Whether a run stops by itself: at the target exact match (attention) or by early stopping (none)."""
    return attention is None or settings.target_exact_match is not None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("full", "ci"), default="full")
    parser.add_argument("--epochs", type=int, default=None, help="at most this many epochs (default 60)")
    parser.add_argument("--patience", type=int, default=4, help="early stopping of the no-attention model")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    import keras

    from coursework.models.translator import tokenize
    from coursework.recipes.transformer_translator import train_with_budget
    from coursework.recipes.translator import (
        build_number_translator,
        evaluate_translator,
        make_splits,
        settings_for,
    )
    from coursework.reporting import format_table
    from coursework.translation_metrics import exact_match_by_length

    settings = settings_for(args.profile)
    splits = make_splits(settings, seed=0)
    sources, targets = splits.sources["test"], splits.targets["test"]
    lengths = [len(tokenize(s)) for s in sources]
    rows, curves, summary = (
        [],
        {},
        {"profile": args.profile, "test_numbers": len(sources), "cpu_count": os.cpu_count()},
    )
    for name, attention in (("attention (general)", settings.attention), ("no attention", None)):
        run_settings = dataclasses.replace(
            settings,
            attention=attention,
            target_exact_match=(settings.target_exact_match if attention else None),
            # 60 epochs at most when something stops the run (target or early stopping)
            epochs=args.epochs or (60 if run_settings_stop(settings, attention) else settings.epochs),
        )
        # With attention: stop at the recipe's target; without: stop when val_exact_match stops improving.
        early = (
            []
            if attention
            else [
                keras.callbacks.EarlyStopping(
                    monitor="val_exact_match", mode="max", patience=args.patience, restore_best_weights=True
                )
            ]
        )
        keras.utils.set_random_seed(args.seed)
        start = time.perf_counter()
        model = build_number_translator(splits, run_settings)
        translator, history = train_with_budget(model, splits, run_settings, verbose=0, callbacks=early)
        train_seconds = time.perf_counter() - start
        metrics = evaluate_translator(translator, splits)
        translator.translate(sources[:512])  # warm-up: compile the step functions
        start = time.perf_counter()
        predictions = translator.translate(sources, batch_size=512)
        greedy_rate = len(sources) / (time.perf_counter() - start)
        start = time.perf_counter()
        beam = translator.translate(sources[:50], beam_width=3)
        beam_rate = 50 / (time.perf_counter() - start)
        curves[name] = exact_match_by_length(lengths, targets, predictions)
        key = "attention" if attention else "no_attention"
        summary.update(
            {
                f"{key}_exact_match": round(metrics["exact_match"], 4),
                f"{key}_chrf": round(metrics["chrf"], 2),
                f"{key}_long_exact_match": round(metrics.get("long_exact_match", float("nan")), 4),
                f"{key}_epochs": len(history.history["loss"]),
                f"{key}_train_seconds": round(train_seconds, 1),
                f"{key}_greedy_sentences_per_s": round(greedy_rate, 1),
                f"{key}_beam3_sentences_per_s": round(beam_rate, 2),
                f"{key}_beam3_exact_match_50": round(
                    sum(b == t for b, t in zip(beam, targets[:50], strict=False)) / 50, 4
                ),
            }
        )
        rows.append(
            [
                name,
                f"{metrics['exact_match']:.4f}",
                f"{metrics['chrf']:.2f}",
                f"{metrics.get('long_exact_match', float('nan')):.4f}",
                len(history.history["loss"]),
                f"{train_seconds:.0f}",
                f"{greedy_rate:,.0f}",
                f"{beam_rate:.1f}",
            ]
        )
    print(
        format_table(
            [
                "model",
                "exact match",
                "chrF",
                "EM ≥8 words",
                "epochs",
                "train s",
                "greedy sent/s",
                "beam-3 sent/s",
            ],
            rows,
        )
    )
    all_lengths = sorted({n for curve in curves.values() for n in curve})
    print(
        format_table(
            ["source words", *curves],
            [[n, *(f"{curves[c].get(n, float('nan')):.3f}" for c in curves)] for n in all_lengths],
        )
    )
    summary["exact_match_by_length"] = {
        c: {str(k): round(v, 4) for k, v in curves[c].items()} for c in curves
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
