"""Precision and recall of the CourtListener reader on labelled real docket texts.

Reads ``tests/data/importers/real/docket-labels.json`` (verbatim docket texts from public
dockets, each labelled by hand with the reason) and prints, as JSON, the precision and
recall of "is an order" (:func:`habeas.importers.is_order`) and of the order's kind
(:func:`habeas.importers.guess_kind`), with every disagreement listed.

Usage: PYTHONPATH=src python bench/importers_dockets.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

from habeas.importers import guess_kind, is_order  # noqa: E402

LABELS = Path(__file__).resolve().parents[1] / "tests/data/importers/real/docket-labels.json"
#: Kinds that protect someone: reading a denial or referral as one of these is the error
#: that matters most.
PROTECTIVE = {"tro", "preliminary_injunction", "permanent_injunction", "stay_of_removal",
              "administrative_stay", "order_to_facilitate"}


def measure(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures for ``items`` (each with ``description``, ``is_order``, ``kind``)."""
    said = [(is_order(item["description"]), item) for item in items]
    true_pos = sum(1 for got, item in said if got and item["is_order"])
    said_order = sum(1 for got, _ in said if got)
    are_orders = sum(1 for _, item in said if item["is_order"])
    kinds = [(guess_kind(item["description"]), item) for got, item in said
             if got and item["is_order"]]
    kind_right = sum(1 for kind, item in kinds if kind == item["kind"])
    specific = [(kind, item) for kind, item in kinds if kind != "other"]
    labelled_specific = [item for _, item in kinds if item["kind"] != "other"]
    return {
        "entries": len(items), "orders": are_orders,
        "order_precision": round(true_pos / max(1, said_order), 4),
        "order_recall": round(true_pos / max(1, are_orders), 4),
        "kind_accuracy": round(kind_right / max(1, len(kinds)), 4),
        "kind_precision": round(sum(1 for k, i in specific if k == i["kind"])
                                / max(1, len(specific)), 4) if specific else None,
        "kind_recall": round(sum(1 for k, i in specific if k == i["kind"])
                             / max(1, len(labelled_specific)), 4) if labelled_specific
        else None,
        "protective_from_non_protective": sum(1 for k, i in kinds if k in PROTECTIVE
                                              and i["kind"] not in PROTECTIVE),
        "disagreements": [{"said_order": got, "label": item["is_order"],
                           "reason": item["reason"], "text": item["description"][:160]}
                          for got, item in said if got != item["is_order"]],
    }


if __name__ == "__main__":
    print(json.dumps(measure(json.loads(LABELS.read_text())), indent=1, ensure_ascii=False))
