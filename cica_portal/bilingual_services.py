"""The one write of language versions: the Secretariat edits an official text's English and
Russian side by side (the admin), and a text under member states' approval asks them again."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from cica_portal import approvals, audit, bilingual
from cica_portal.errors import DomainError
from cica_portal.models import ApprovalRequest, User
from cica_portal.transactions import retry_on_deadlock


class TranslationError(DomainError):
    pass


def editable_names(model: type[models.Model]) -> list[str]:
    """The language versions of a model's official texts, and their statuses."""
    fields = bilingual.translated_fields(model)
    names = [f"{field}_{code}" for field in fields for code in bilingual.LANGUAGE_CODES]
    return [*names, "en_status", "ru_status"]


@retry_on_deadlock
@transaction.atomic
def save_language_versions(obj: models.Model, *, by: User, values: dict[str, Any]) -> models.Model:
    """Save an official text's language versions; a change to either language of a text under
    approval is a new version of it, which voids the answers given and asks again."""
    if not by.is_secretariat:
        raise TranslationError(
            _("Only the Secretariat edits the official texts."), code="forbidden"
        )
    model = type(obj)
    allowed = set(editable_names(model))
    unknown = set(values) - allowed
    if unknown:
        raise TranslationError(
            _("These cannot be edited here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    for name in ("en_status", "ru_status"):
        if name in values and values[name] not in bilingual.LanguageStatus.values:
            raise TranslationError(_("Choose one of the statuses."), field=name)
    open_requests = ApprovalRequest.objects.select_for_update(of=("self",)).filter(
        subject_type=ContentType.objects.get_for_model(model),
        subject_id=obj.pk,
        status=ApprovalRequest.Status.OPEN,
    )
    requests = list(open_requests)  # the documented order: the request, then the subject
    obj = model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    audit.log(
        obj,
        "content.language_versions_saved",
        actor=by,
        data={"changed": sorted(changed)},
    )
    for request in requests:
        subject_type = approvals.registry.find(request.purpose)
        if subject_type is not None and subject_type.content_of is not None:
            approvals.revise_request(request, content=subject_type.content_of(obj), actor=by)
    return obj
