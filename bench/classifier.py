"""How often fast capture proposes the right type, sentiment and language.

Runs `cmdesk.core.interactions.propose` (type and sentiment, as fast capture proposes
them: a complaint or a crisis told without a telling word leans negative) and
`cmdesk.core.classify.estimate` (language) on the labelled messages of
tests/data/messages.csv and prints, for the tuning half and the evaluation half side by
side: accuracy per type, per sentiment and per language, and the type confusion matrix of
each half. Word lists are tuned on the
tuning half only; a gap between the two columns is overfitting.

Run with `make bench` (or `python bench/classifier.py`). `--errors` lists the tuning half's
mistakes (never the evaluation half's); `--tuning-only` hides the evaluation figures while
word lists are being changed (look at them once, at the end); `--json` prints the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cmdesk.core.classify import estimate
from cmdesk.core.interactions import TYPES, propose

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "messages.csv"
SPLITS = ("tuning", "evaluation")
SENTIMENTS = ("negative", "neutral", "positive")
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Outcome:
    id: str
    text: str
    split: str
    language: str
    type: str
    sentiment: str
    found_language: str
    found_type: str
    found_sentiment: str
    type_reason: str
    sentiment_reason: str


def run(path: Path = DATA) -> tuple[list[Outcome], float]:
    """Every labelled message with what cmdesk proposes for it, and the seconds it took."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    outcomes = []
    started = time.perf_counter()
    for row in rows:
        proposal = propose(row["text"])
        found = estimate(row["text"])
        outcomes.append(
            Outcome(
                id=row["id"],
                text=row["text"],
                split=row["split"],
                language=row["language"],
                type=row["type"],
                sentiment=row["sentiment"],
                found_language=found.language,
                found_type=proposal.type,
                found_sentiment=proposal.sentiment,
                type_reason=proposal.type_reason,
                sentiment_reason=proposal.sentiment_reason,
            )
        )
    return outcomes, time.perf_counter() - started


def accuracy(outcomes: list[Outcome], field: str) -> tuple[int, int]:
    """(right, total) for one guessed field: "type", "sentiment" or "language"."""
    right = sum(getattr(o, field) == getattr(o, "found_" + field) for o in outcomes)
    return right, len(outcomes)


def figures(
    outcomes: list[Outcome], splits: tuple[str, ...] = SPLITS
) -> dict[str, dict[str, tuple[int, int]]]:
    """Per half: overall accuracies, then type accuracy per labelled type, sentiment
    accuracy per labelled sentiment, and both per language."""
    result: dict[str, dict[str, tuple[int, int]]] = {}
    for split in splits:
        half = [o for o in outcomes if o.split == split]
        row: dict[str, tuple[int, int]] = {
            "type": accuracy(half, "type"),
            "sentiment": accuracy(half, "sentiment"),
            "language": accuracy(half, "language"),
        }
        for kind in TYPES:
            row[f"type={kind}"] = accuracy([o for o in half if o.type == kind], "type")
        for sentiment in SENTIMENTS:
            subset = [o for o in half if o.sentiment == sentiment]
            row[f"sentiment={sentiment}"] = accuracy(subset, "sentiment")
        for lang in LANGUAGES:
            subset = [o for o in half if o.language == lang]
            row[f"{lang}: type"] = accuracy(subset, "type")
            row[f"{lang}: sentiment"] = accuracy(subset, "sentiment")
            row[f"{lang}: language"] = accuracy(subset, "language")
        result[split] = row
    return result


def _cell(right: int, total: int) -> str:
    if not total:
        return "-"
    return f"{100 * right / total:5.1f}% ({right}/{total})"


def confusion(outcomes: list[Outcome], field: str, labels: tuple[str, ...]) -> list[str]:
    """Rows: the label; columns: what was proposed."""
    counts = Counter((getattr(o, field), getattr(o, "found_" + field)) for o in outcomes)
    width = max(len(x) for x in labels) + 1
    lines = [" " * width + "".join(f"{x[:10]:>11}" for x in labels)]
    for truth in labels:
        cells = "".join(f"{counts[(truth, guess)]:>11}" for guess in labels)
        lines.append(f"{truth:<{width}}{cells}")
    return lines


def report(outcomes: list[Outcome], seconds: float, splits: tuple[str, ...] = SPLITS) -> str:
    table = figures(outcomes, splits)
    lines = [
        f"Classifier on {len(outcomes)} labelled messages ({DATA.name}), "
        f"{1e6 * seconds / max(1, len(outcomes)):.0f} µs per message",
        "",
        f"{'accuracy':<24}" + "".join(f"{split:>22}" for split in splits),
    ]
    for key in table["tuning"]:
        cells = "".join(f"{_cell(*table[split][key]):>22}" for split in splits)
        lines.append(f"{key:<24}{cells}")
        if key in ("language", "type=other", "sentiment=positive"):
            lines.append("")
    for split in splits:
        half = [o for o in outcomes if o.split == split]
        lines += ["", f"Type confusion, {split} half (rows: label, columns: proposed)"]
        lines += confusion(half, "type", TYPES)
        lines += ["", f"Sentiment confusion, {split} half"]
        lines += confusion(half, "sentiment", SENTIMENTS)
    return "\n".join(lines)


def errors(outcomes: list[Outcome]) -> str:
    """The tuning half's mistakes, to tune on; the evaluation half stays unseen."""
    lines = []
    for o in outcomes:
        if o.split != "tuning":
            continue
        wrong = []
        if o.found_type != o.type:
            wrong.append(f"type {o.type}→{o.found_type} [{o.type_reason}]")
        if o.found_sentiment != o.sentiment:
            wrong.append(f"sentiment {o.sentiment}→{o.found_sentiment} [{o.sentiment_reason}]")
        if o.found_language != o.language:
            wrong.append(f"language {o.language}→{o.found_language or '?'}")
        if wrong:
            lines.append(f"{o.id}  {o.text}\n        " + "; ".join(wrong))
    return "\n".join(lines) or "No mistake on the tuning half."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list the tuning half's mistakes")
    parser.add_argument(
        "--tuning-only", action="store_true", help="leave the evaluation half's figures out"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    outcomes, seconds = run()
    splits = SPLITS[:1] if args.tuning_only else SPLITS
    if args.json:
        table = figures(outcomes, splits)
        print(json.dumps({s: {k: list(v) for k, v in table[s].items()} for s in splits}))
    else:
        print(report(outcomes, seconds, splits))
    if args.errors:
        print("\nMistakes on the tuning half\n" + errors(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
