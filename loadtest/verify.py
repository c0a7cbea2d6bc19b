"""After a load run: is every write the portal answered as applied in the database, once?

    DATABASE_URL=... python loadtest/verify.py journal.jsonl > verified.json

Reads the journal the locust run wrote (one JSON object per applied write) and looks each one
up: a create has its share, a submit its transition to pending consent, a consent or a refusal
its state's answer with that decision, an answer to an approval request its answer, a
withdrawal the share's withdrawn status and its transition. Prints JSON: per action, how many
were applied, found and lost, and how many shares went through one status twice (duplicated).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings")

import django

django.setup()

from django.db.models import Count  # noqa: E402

from cica_portal.models import StateAnswer  # noqa: E402
from exchange.models import Share, ShareTransition  # noqa: E402

DECISION = {"approve": "approve", "decline": "object", "object": "object"}


def answered(entries: list[dict], key: str) -> set[tuple[int, str, str]]:
    """(share or approval request, state, decision) of every live answer in the database."""
    if key == "share":
        request_of = dict(
            Share.objects.filter(pk__in={e["share"] for e in entries}).values_list(
                "approval_id", "pk"
            )
        )
    else:
        request_of = {e["approval"]: e["approval"] for e in entries}
    rows = StateAnswer.objects.filter(
        request_id__in=set(request_of), answered_at__isnull=False, voided_at__isnull=True
    ).values_list("request_id", "state__code", "decision")
    return {(request_of[pk], code.lower(), decision) for pk, code, decision in rows}


def main() -> None:
    entries = [json.loads(line) for line in Path(sys.argv[1]).read_text().splitlines() if line]
    by_action: dict[str, list[dict]] = {}
    for entry in entries:
        by_action.setdefault(entry["action"], []).append(entry)
    found: Counter[str] = Counter()

    creates = by_action.get("create", [])
    existing = set(Share.objects.filter(pk__in={e["share"] for e in creates}).values_list("pk"))
    found["create"] = sum(1 for e in creates if (e["share"],) in existing)

    transitions = set(
        ShareTransition.objects.filter(share_id__in={e["share"] for e in entries if "share" in e})
        .values_list("share_id", "to_status")
        .distinct()
    )
    found["submit"] = sum(
        1 for e in by_action.get("submit", []) if (e["share"], "pending_consent") in transitions
    )
    withdrawn = set(
        Share.objects.filter(status=Share.Status.WITHDRAWN).values_list("pk", flat=True)
    )
    found["withdraw"] = sum(
        1
        for e in by_action.get("withdraw", [])
        if e["share"] in withdrawn and (e["share"], "withdrawn") in transitions
    )
    for action, key in (("decision", "share"), ("answer", "approval")):
        live = answered(by_action.get(action, []), key)
        found[action] = sum(
            1
            for e in by_action.get(action, [])
            if (e[key], e["state"], DECISION[e["decision"]]) in live
        )

    twice = (
        ShareTransition.objects.values("share_id", "to_status")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    actions = {
        action: {
            "applied": len(by_action.get(action, [])),
            "found": found[action],
            "lost": len(by_action.get(action, [])) - found[action],
        }
        for action in ("create", "submit", "decision", "answer", "withdraw")
    }
    print(json.dumps({"actions": actions, "duplicated": twice}))


if __name__ == "__main__":
    main()
