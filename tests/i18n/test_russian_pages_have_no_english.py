"""The main pages rendered in Russian, for the focal point, the approver and the Secretariat
after seed_demo, leave no English word on the page.

What is not checked, by rule: scripts and styles, markup, TLP labels (TLP:RED etc. stay
untranslated), e-mail addresses, URLs, codes (ISO codes, hashes, numbers such as CICA/D/2026/1),
the demo accounts' user names, and a text the page itself declares English (`lang="en"`, the
marked fallback where no Russian version exists). What remains must be Russian, except the few
names in ALLOWED.
"""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from actionplan.models import PlanItem
from cica_portal.models import ApprovalRequest, User

pytestmark = pytest.mark.django_db

# Proper names and acronyms that are written in Latin letters in Russian texts too.
ALLOWED = {
    "CICA",  # the organisation's acronym, as on its Russian documents
    "INTERPOL",
    "SLTD",  # INTERPOL's database of stolen and lost travel documents
    "TLP",  # the Traffic Light Protocol's labels stay untranslated, by rule
    "API",
    "SHA",  # the hash algorithm's name
    "UTC",
    "ISO",
    "iCal",
    "CSV",  # file formats, named as such in Russian
    "XLSX",
}
ROLES = ("fp-kz", "approver-kz", "secretariat")
IGNORED = re.compile(
    r"TLP:[A-Z+]+"
    r"|[\w.+-]+@[\w-]+(\.[\w-]+)+"  # e-mail addresses
    r"|\b[A-Z][a-z]+/[A-Z][A-Za-z_]+\b"  # time zones (Asia/Almaty)
    r"|https?://\S+|/[\w/.?=&-]+"  # URLs and paths
    r"|\b(fp|approver)-[a-z]{2}\b|\bsecretariat\b"  # the demo accounts' user names
    r"|\b[0-9a-f]{12,}\b"  # hashes
    r"|\b[A-Z]{1,4}[/.-]?\d[\w/.-]*"  # codes and references
    r"|\b[IVX]+\b"  # the plan's areas are numbered in Roman numerals in both languages
)
WORD = re.compile(r"[A-Za-z]{3,}")


class _Text(HTMLParser):
    """The page's visible text (and its labels for assistive technology), without what is
    inside scripts, styles or an element declared English."""

    SKIP = {"script", "style", "template"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = tag in self.SKIP or (attrs.get("lang") or "").startswith("en")
        if not self._skipping() and not skip:
            for name in ("aria-label", "title", "placeholder", "alt"):
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def english_words(html: str, names: tuple[str, ...] = ()) -> list[str]:
    """The Latin-letter words left on the page; `names` are people's names (as the accounts
    give them), which are not translated."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = IGNORED.sub(" ", text)
    return sorted({w for w in WORD.findall(text) if w not in ALLOWED})


def _bilingual_pages() -> list[str]:
    """The pages of the Action Plan and of its approval, whose texts are all held in both
    languages."""
    item = PlanItem.objects.get(area__number=1, kind="issue", number=6)
    request = ApprovalRequest.objects.get(purpose="actionplan.item", subject_id=item.pk)
    return [
        reverse("actionplan:index"),
        item.get_absolute_url(),
        reverse("approvals-inbox"),
        reverse("approval-detail", args=[request.pk]),
    ]


# Main pages that still show English after seed_demo, and why (issue 21, not done yet): the
# demo meetings, their agenda items and reports have their Russian now (meetings/seed.py), and
# a share's label names its state in the reader's language; but the demo shares' titles and
# content, the focal-point entries (organisations, positions, placeholder names) and the
# decision register's titles of the Secretariat's plan decisions are English only (the last
# marked as such), and stored notices were rendered in the language the person
# had when they were sent (English, before the test chose Russian): a notice's texts are not
# stored per language yet.
NOT_YET_BILINGUAL = [
    "home",
    "approvals",
    "decisions",
    "exchange:index",
    "focalpoints:directory",
    "meetings:calendar",
    "notifications",
]


def test_the_check_finds_an_english_word_and_ignores_what_is_not_translated_by_rule():
    html = (
        "<p>Решение CICA/D/2026/1 · TLP:AMBER+STRICT · secretariat@cica.example</p>"
        '<p lang="en">Border Control</p> <small>(на английском: русской версии нет)</small>'
        "<script>var notice = 'hidden';</script><p>Статус: Approved</p>"
    )
    assert english_words(html) == ["Approved"]


def _english_on(client, pages, names) -> tuple[dict, int]:
    found = {}
    checked = 0
    for username in ROLES:
        user = User.objects.get(username=username)
        user.language = "ru"
        user.save(update_fields=["language"])
        client.force_login(user)
        for url in pages():
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
            if response.status_code != 200:
                continue  # a page this role does not reach
            checked += 1
            words = english_words(response.content.decode(), names)
            if words:
                found[f"{username} {url}"] = words
        client.logout()
    return found, checked


@pytest.fixture
def seeded(settings):
    settings.TWO_FACTOR_REQUIRED = False
    call_command("seed_demo", stdout=io.StringIO())
    return tuple(str(user) for user in User.objects.all())  # people's names stay as they are


def test_the_plan_and_its_approval_in_russian_have_no_english_words(client, seeded):
    found, checked = _english_on(client, _bilingual_pages, seeded)
    assert checked >= 9  # the inbox is the approver's only
    assert found == {}


@pytest.mark.xfail(
    reason="demo meetings, shares and focal points are in English only", strict=False
)
def test_the_other_main_pages_in_russian_have_no_english_words(client, seeded):
    found, checked = _english_on(
        client, lambda: [reverse(name) for name in NOT_YET_BILINGUAL], seeded
    )
    assert checked >= 18
    assert found == {}
