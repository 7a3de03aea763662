"""Benchmark of the class-2 bots: intent accuracy on held-out paraphrases and latency per message.

Targets (issue 7): intent bot ≥ 90 % intent accuracy on ``data/intents_es_heldout.yaml`` (none of
those paraphrases is a training pattern); both bots ≤ 20 ms per message on 2 CPU cores.

Usage:
    python benchmarks/bots.py [--seeds 3] [--profile full] [--repeat 5]

Prints a table and one JSON line.
"""

from __future__ import annotations

import _bootstrap  # noqa: F401  (first: TensorFlow's start-up lines stay off stderr)

# isort: split
import argparse
import json
import os
import statistics
import time


def latency(bot, messages, repeat):
    """Milliseconds per ``bot.reply`` call: median, 95th percentile and maximum."""
    import numpy as np

    times = []
    for _ in range(repeat):
        for message in messages:
            start = time.perf_counter()
            bot.reply(message)
            times.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": float(np.median(times)),
        "p95_ms": float(np.percentile(times, 95)),
        "max_ms": float(np.max(times)),
        "calls": len(times),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="training seeds for the intent bot")
    parser.add_argument("--profile", default="full", choices=("full", "ci"))
    parser.add_argument("--repeat", type=int, default=5, help="passes over the messages for latency")
    args = parser.parse_args(argv)

    from coursework.bots.retrieval import RetrievalBot
    from coursework.datasets.dialogue import load_spanish_chatterbot_pairs
    from coursework.datasets.intents import load_heldout
    from coursework.recipes.intent_bot import settings_for, train_intent_bot
    from coursework.reporting import format_table

    accuracies, train_seconds, bot = [], [], None
    for seed in range(args.seeds):
        start = time.perf_counter()
        bot = train_intent_bot(settings_for(args.profile), seed=seed, verbose=0)
        train_seconds.append(time.perf_counter() - start)
        texts, labels = load_heldout(intents=bot.intents)
        accuracies.append(bot.evaluate(texts, labels))
    texts, labels = load_heldout(intents=bot.intents)

    retrieval = RetrievalBot()
    statements = [s for s, _ in load_spanish_chatterbot_pairs()][::7]  # ~100 corpus-like queries
    intent_latency = latency(bot, texts, args.repeat)
    retrieval_latency = latency(retrieval, texts + statements, args.repeat)
    bot.model.predict(bot.encode(texts[:1]), verbose=0)  # the first call also traces the function
    start = time.perf_counter()
    for text in texts[:20]:
        bot.model.predict(bot.encode([text]), verbose=0)
    keras_ms = (time.perf_counter() - start) / 20 * 1000

    result = {
        "profile": args.profile,
        "seeds": args.seeds,
        "heldout_paraphrases": len(texts),
        "intent_accuracy_mean": statistics.mean(accuracies),
        "intent_accuracy_min": min(accuracies),
        "intent_train_seconds_mean": statistics.mean(train_seconds),
        "intent_latency": intent_latency,
        "retrieval_latency": retrieval_latency,
        "keras_predict_ms_per_message": keras_ms,
        "cpu_count": os.cpu_count(),
    }
    rows = [
        ["intent accuracy (held-out, mean over seeds)", f"{result['intent_accuracy_mean']:.3f}", "≥ 0.90"],
        ["intent accuracy (held-out, worst seed)", f"{result['intent_accuracy_min']:.3f}", "≥ 0.90"],
        [
            "intent bot ms/message (median / p95)",
            f"{intent_latency['median_ms']:.2f} / {intent_latency['p95_ms']:.2f}",
            "≤ 20",
        ],
        [
            "retrieval bot ms/message (median / p95)",
            f"{retrieval_latency['median_ms']:.2f} / {retrieval_latency['p95_ms']:.2f}",
            "≤ 20",
        ],
        ["(Keras model.predict, one message)", f"{keras_ms:.1f}", "-"],
        ["intent bot training seconds (mean)", f"{result['intent_train_seconds_mean']:.1f}", "-"],
    ]
    print(format_table(["measure", "value", "target"], rows))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
