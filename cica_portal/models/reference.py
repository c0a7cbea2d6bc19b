"""Reference data: states, international organisations, the four areas of the Action Plan.

It is data, not code: loaded from `cica_portal/data/reference.json` by a data migration and
edited by the Secretariat in the admin. Names carry both working languages.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bilingual:
    """Picks the Russian or the English text of a field pair by the active language."""

    def _in_language(self, field: str) -> str:
        if (get_language() or "en").startswith("ru"):
            return getattr(self, f"{field}_ru") or getattr(self, f"{field}_en")
        return getattr(self, f"{field}_en")

    def in_their_language(self, field: str) -> Promise:
        """The field as a lazy text: rendered in the language active when it is read (a notice
        names the state in each recipient's language)."""
        return lazy(self._in_language, str)(field)  # type: ignore[return-value]  # lazy() is a Promise


class StateQuerySet(models.QuerySet):
    def members(self) -> "StateQuerySet":
        return self.filter(status=State.Status.MEMBER)


class State(Bilingual, models.Model):
    class Status(models.TextChoices):
        MEMBER = "member", _("Member state")
        OBSERVER = "observer", _("Observer state")
        FORMER = "former", _("Former member")

    code = models.CharField(
        _("ISO 3166-1 alpha-2 code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters, e.g. KZ."))],
    )
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.MEMBER)

    objects = StateQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self._in_language("name")

    @property
    def is_member(self) -> bool:
        return self.status == self.Status.MEMBER


class Organisation(Bilingual, models.Model):
    class Kind(models.TextChoices):
        PARTNER = "partner", _("Partner organisation")
        OBSERVER = "observer", _("Observer organisation")

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    acronym_ru = models.CharField(_("acronym (Russian)"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PARTNER)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("international organisation")
        verbose_name_plural = _("international organisations")

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return self._in_language("name")


class Area(Bilingual, models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    roman = models.CharField(_("roman numeral"), max_length=5)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("area of the Action Plan")
        verbose_name_plural = _("areas of the Action Plan")

    def __str__(self) -> str:
        return f"{self.roman}. {self.title}"

    @property
    def title(self) -> str:
        return self._in_language("title")
