"""Share templates: a changed template is a new version; the old one stays as shares knew it.

The admin is where the Secretariat maintains templates; it writes through these functions.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cica_portal import audit
from cica_portal.errors import DomainError
from cica_portal.models import User
from cica_portal.transactions import retry_on_deadlock

from .models import ShareTemplate
from .validation import validate_template_fields

EDITABLE = ("title", "description", "fields", "observers_may_receive")
# The Russian versions and the statuses, carried into the next version like the rest.
LANGUAGE_VERSIONS = ("title_ru", "description_ru", "en_status", "ru_status")


class TemplateError(DomainError):
    pass


def may_maintain_templates(user: User) -> bool:
    return user.is_active and (user.is_secretariat or user.is_superuser)


def check_template(*, fields) -> None:
    """Raise TemplateError if the fields do not describe a template (the admin's form asks)."""
    problems = validate_template_fields(fields)
    if problems:
        raise TemplateError("; ".join(map(str, problems)), field="fields")


def _check_actor(by: User) -> None:
    if not may_maintain_templates(by):
        raise TemplateError(_("Only the Secretariat maintains templates."), code="forbidden")


@retry_on_deadlock
@transaction.atomic
def create_template(
    *,
    by: User,
    slug: str,
    title: str,
    description: str = "",
    fields,
    observers_may_receive: bool = False,
    **languages: str,
) -> ShareTemplate:
    """A new template; under a slug that exists, the next version of it (the old one stays)."""
    _check_actor(by)
    check_template(fields=fields)
    current = ShareTemplate.objects.select_for_update(of=("self",), no_key=True).filter(
        slug=slug, is_current=True
    )
    previous = current.values_list("version", flat=True).first()
    latest = ShareTemplate.objects.filter(slug=slug).aggregate(v=Max("version"))["v"] or 0
    current.update(is_current=False)
    template = ShareTemplate.objects.create(
        slug=slug,
        title=title,
        description=description,
        fields=fields,
        observers_may_receive=bool(observers_may_receive),
        **{key: value for key, value in languages.items() if key in LANGUAGE_VERSIONS and value},
        version=latest + 1,
        is_current=True,
    )
    audit.log(
        template,
        "exchange.template.created",
        actor=by,
        data={"slug": slug, "version": template.version, "replaces": previous},
    )
    return template


@retry_on_deadlock
@transaction.atomic
def save_new_version(template: ShareTemplate, *, by: User, **changes) -> ShareTemplate:
    """Save changes to the current version as the next one; unchanged, it stays as it is."""
    _check_actor(by)
    old = ShareTemplate.objects.select_for_update(of=("self",), no_key=True).get(pk=template.pk)
    if not old.is_current:
        raise TemplateError(
            _("A newer version of this template was saved meanwhile: open it and change that."),
            code="conflict",
        )
    names = (*EDITABLE, *LANGUAGE_VERSIONS)
    changes = {key: value for key, value in changes.items() if key in names}
    # An empty Russian version is empty whether the database holds NULL or "".
    changed = sorted(
        key
        for key, value in changes.items()
        if getattr(old, key) != value
        and not (key in LANGUAGE_VERSIONS and not getattr(old, key) and not value)
    )
    if not changed:
        return old
    if "fields" in changes:
        check_template(fields=changes["fields"])
    latest = ShareTemplate.objects.filter(slug=old.slug).aggregate(v=Max("version"))["v"]
    ShareTemplate.objects.filter(pk=old.pk).update(is_current=False)
    new = ShareTemplate.objects.create(
        slug=old.slug,
        version=latest + 1,
        is_current=True,
        **{key: changes.get(key, getattr(old, key)) for key in names},
    )
    audit.log(
        new,
        "exchange.template.versioned",
        actor=by,
        data={"slug": new.slug, "from": old.version, "to": new.version, "fields": changed},
    )
    return new
