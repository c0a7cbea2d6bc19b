"""The versions of a share that consent was asked for, and what changed between two of them.

An edit of a pending share asks every state again; the approvers asked again see, field by
field, what changed since the version their state answered (or since the one before).
"""

from __future__ import annotations

import difflib
from typing import Any

from django.utils.translation import gettext_lazy as _

from cica_portal.models import StateAnswer, User

from .models import Share, ShareVersion

LONG_TEXT = 80  # longer strings are compared word by word
PURPOSE = "exchange.release"  # the same purpose as selectors.PURPOSE (no import cycle)


def keep_version(share: Share, *, content_hash: str, content: dict[str, Any]) -> None:
    """Keep the version consent is now asked for (once per share and version)."""
    if ShareVersion.objects.filter(share=share, content_hash=content_hash).exists():
        return
    version = ShareVersion(share=share, content_hash=content_hash)
    version.seal(content)
    version.save()


def _words(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) segments: "=" unchanged, "-" removed, "+" added."""
    a, b = old.split(), new.split()
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("+", " ".join(b[j1:j2])))
    return segments


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _change(label: Any, old: Any, new: Any, *, hide_values: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {"label": label, "old": _shown(old), "new": _shown(new)}
    if hide_values:
        row.update(old="", new="", hidden=True)
    elif isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT:
        row["words"] = _words(old, new)
    return row


def _pairs(share: Share, old: dict, new: dict) -> list[tuple[Any, Any, Any, bool]]:
    """(label, old, new, is content) for everything a consent covers."""
    red = share.is_red
    pairs: list[tuple[Any, Any, Any, bool]] = [
        (_("Title"), old.get("title"), new.get("title"), red)
    ]
    labels = {spec["name"]: spec.get("label") or spec["name"] for spec in share.template.fields}
    old_content, new_content = old.get("content") or {}, new.get("content") or {}
    names = list(labels) + sorted((set(old_content) | set(new_content)) - set(labels))
    for name in names:
        pairs.append((labels.get(name, name), old_content.get(name), new_content.get(name), red))
    pairs += [
        (_("Concerned states"), old.get("concerned"), new.get("concerned"), False),
        (_("Recipient states"), old.get("recipients"), new.get("recipients"), False),
        (
            _("The Secretariat may read it"),
            old.get("secretariat_may_read"),
            new.get("secretariat_may_read"),
            False,
        ),
        (
            _("Keep the distribution confidential"),
            old.get("distribution_confidential", False),
            new.get("distribution_confidential", False),
            False,
        ),
    ]
    old_h, new_h = old.get("handling") or {}, new.get("handling") or {}
    for key, label in (
        ("tlp", "TLP"),
        ("codes", _("Handling codes")),
        ("note", _("Other restrictions (H3)")),
        ("evaluation", _("Evaluation")),
    ):
        pairs.append((label, old_h.get(key), new_h.get(key), False))
    return pairs


def diff(share: Share, old: dict, new: dict) -> list[dict[str, Any]]:
    """Field by field, old → new, only what changed; a RED share's title and content are
    named, not shown (they are read on the share's own page only)."""
    return [
        _change(label, a, b, hide_values=hide)
        for label, a, b, hide in _pairs(share, old, new)
        if a != b
    ]


def _answered_hash(share: Share, user: User, current: str) -> str | None:
    """The last version the user's state answered, if it is not the current one."""
    if not user.state_id:
        return None
    return (
        StateAnswer.objects.filter(
            request__subject_type__app_label="exchange",
            request__subject_type__model="share",
            request__subject_id=share.pk,
            request__purpose=PURPOSE,
            state_id=user.state_id,
        )
        .exclude(content_hash="")
        .exclude(content_hash=current)
        .order_by("-answered_at")
        .values_list("content_hash", flat=True)
        .first()
    )


def changes_for(share: Share, user: User) -> dict[str, Any] | None:
    """What changed in the version now asked, for a party to its consent: since the version
    the user's state answered, else since the version before; None for a first version."""
    if share.approval is None:
        return None
    current = share.approval.content_hash
    versions = list(share.versions.all())
    numbers = {v.content_hash: n for n, v in enumerate(versions, start=1)}
    if current not in numbers or numbers[current] == 1:
        return None
    base_hash = _answered_hash(share, user, current)
    answered = base_hash in numbers
    if not answered:
        base_hash = versions[numbers[current] - 2].content_hash
    base = versions[numbers[str(base_hash)] - 1]
    return {
        "since": numbers[base.content_hash],
        "current": numbers[current],
        "answered": answered,
        "changes": diff(share, base.content, versions[numbers[current] - 1].content),
    }
