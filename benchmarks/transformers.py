"""Class 7 comparison table in one run: BiLSTM, CNN-1D, self-attention, Transformer, MiniLM
(frozen / fine-tuned).

All word-level models use the same grouped Rotten Tomatoes split, vectoriser (48 words), optimiser
and early stopping (``coursework.recipes.attention_sentiment``); MiniLM uses the ``bert-sentiment``
recipe's settings (``bert_settings_for``: in the full profile all 8,813 training and 2,644 test
snippets). Prints a table and one JSON line.

    python benchmarks/transformers.py                 # full profile
    python benchmarks/transformers.py --profile ci    # quick smoke run
    python benchmarks/transformers.py --skip-bert     # only the models trained from scratch

Targets (issue 5): Transformer within 1 point of the BiLSTM at <= half its seconds per epoch;
fine-tuned MiniLM >= 83 % test accuracy; MiniLM fine-tuning <= 20 minutes on 2 CPU cores.
"""

from __future__ import annotations

import _bootstrap  # noqa: F401  (first: TensorFlow's start-up lines stay off stderr)

# isort: split
import argparse
import json
import sys

KINDS = ("bilstm", "cnn", "self-attention", "self-attention-package", "transformer")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("full", "ci"), default="full")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-bert", action="store_true", help="leave MiniLM out")
    args = parser.parse_args(argv)

    from coursework.models.text_input import make_vectorizer
    from coursework.recipes.attention_sentiment import (
        bert_settings_for,
        build_word_model,
        fit_word_classifier,
        load_data,
        word_settings_for,
    )
    from coursework.reporting import format_table
    from coursework.training import Timer, set_seed

    settings = word_settings_for(args.profile)
    data = load_data(settings)
    vectorizer = make_vectorizer(
        data["train"].texts, max_tokens=settings.max_tokens, sequence_length=settings.sequence_length
    )
    rows, record = [], {"profile": args.profile, "majority_baseline": data["test"].majority_baseline()}
    for kind in KINDS:
        set_seed(args.seed)
        body = build_word_model(kind, vectorizer.vocabulary_size(), settings.sequence_length)
        run = fit_word_classifier(body, data, vectorizer, settings, verbose=0, seed=args.seed)
        rows.append(
            [
                kind,
                round(run["accuracy"], 4),
                run["parameters"],
                round(run["seconds_per_epoch"], 2),
                run["epochs"],
            ]
        )
        record[kind] = {k: run[k] for k in ("accuracy", "parameters", "seconds_per_epoch", "epochs")}
        print(f"done {kind}: {record[kind]}", file=sys.stderr, flush=True)

    if not args.skip_bert:
        from coursework.recipes.bert_training import train_bert_classifier

        bert_settings = bert_settings_for(args.profile)
        with Timer() as bert_timer:
            run = train_bert_classifier(load_data(limit=None), bert_settings, seed=args.seed, verbose=0)
        m, s = run["metrics"], run["seconds"]
        rows.append(
            [
                f"minilm-frozen (n_train={m['n_train']})",
                round(m["frozen_accuracy"], 4),
                385,
                round(s["head"] / bert_settings.head_epochs, 3),
                bert_settings.head_epochs,
            ]
        )
        rows.append(
            [
                f"minilm-finetuned (n_train={m['n_train']})",
                round(m["accuracy"], 4),
                m["parameters"],
                round(s["finetune_per_epoch"], 1),
                bert_settings.finetune_epochs,
            ]
        )
        record["minilm"] = {
            **m,
            **{f"seconds_{k}": v for k, v in s.items()},
            "minutes_total": round(bert_timer.seconds / 60, 2),
        }
        print(
            f"MiniLM: {bert_timer.seconds / 60:.1f} min in all (tokenise, embed, head, "
            f"{bert_settings.finetune_epochs} fine-tuning epochs, evaluate); validation accuracy "
            f"{m.get('val_accuracy', float('nan')):.4f}",
            flush=True,
        )

    print(format_table(["model", "test accuracy", "parameters", "s/epoch", "epochs"], rows))
    if "transformer" in record and "bilstm" in record:
        t, b = record["transformer"], record["bilstm"]
        record["transformer_vs_bilstm"] = {
            "accuracy_points": round(100 * (t["accuracy"] - b["accuracy"]), 2),
            "seconds_per_epoch_ratio": round(t["seconds_per_epoch"] / b["seconds_per_epoch"], 3),
        }
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
