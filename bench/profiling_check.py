"""Precision and recall of the anti-profiling check on its hand-written corpus.

    .venv/bin/python bench/profiling_check.py [--show-errors]

Reads every part of commonwatch/community/tests/corpus/profiling-*.tsv listed in PARTS
(label `profiling` = a person described by race or origin alone or with generic detail,
`fine` = everything else) and prints, per part and for the whole corpus, the
confusion matrix, precision, recall and false-positive rate of
commonwatch.community.profiling as the checks run it (read_as_written: the text as a
person reads it, look-alike letters folded), as a markdown table. No database, no Django
settings: the check is a pure function of the text. See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commonwatch.community.profiling import read_as_written  # noqa: E402

CORPUS = ROOT / "commonwatch" / "community" / "tests" / "corpus"
PARTS = {
    "dev": "the rules were written against it",
    "heldout": "never run while tuning, but in view while the rules were designed",
    "blind": "written after the rules were frozen; its first run's errors were fixed",
    "blind2": "written after those fixes; its first run's error was fixed",
    "blind3": "written after the generality rework; its first run's error was fixed",
    "blind4": "written after blind3's fix, committed before the check read it",
    "evasions": "words split by one space and close legitimate text, committed before",
}


def corpus(part: str) -> list[tuple[bool, str]]:
    with open(CORPUS / f"profiling-{part}.tsv", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["label"] == "profiling", row["text"]) for row in rows]


def measure(rows: list[tuple[bool, str]], errors: list[str]) -> dict:
    tp = fp = fn = tn = 0
    for race_alone, text in rows:
        stopped = read_as_written(text).by_race_alone
        if stopped and race_alone:
            tp += 1
        elif stopped:
            fp += 1
            errors.append(f"wrongly stopped: {text}")
        elif race_alone:
            fn += 1
            errors.append(f"missed:          {text}")
        else:
            tn += 1
    return {
        "n": len(rows),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "fpr": fp / (fp + tn) if fp + tn else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="print each wrong answer")
    args = parser.parse_args()
    errors: list[str] = []
    rows_by_part = {part: corpus(part) for part in PARTS}
    every_row = [row for rows in rows_by_part.values() for row in rows]
    results = {part: measure(rows, errors) for part, rows in rows_by_part.items()}
    start = time.perf_counter()
    results["whole corpus"] = measure(every_row, [])
    per_post_ms = (time.perf_counter() - start) / len(every_row) * 1000
    print(
        "| part | sentences | stopped right (TP) | wrongly stopped (FP) | missed (FN) | "
        "passed right (TN) | precision | recall | false-positive rate |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for part, r in results.items():
        print(
            f"| {part} | {r['n']} | {r['tp']} | {r['fp']} | {r['fn']} | {r['tn']} | "
            f"{r['precision']:.1%} | {r['recall']:.1%} | {r['fpr']:.1%} |"
        )
    print()
    for part, what in PARTS.items():
        print(f"- {part}: {what}")
    print(f"- {per_post_ms:.3f} ms per sentence on this machine")
    print("- targets: recall >= 95%, false-positive rate <= 2%")
    if args.show_errors:
        print("\n".join(["", *errors]))


if __name__ == "__main__":
    main()
