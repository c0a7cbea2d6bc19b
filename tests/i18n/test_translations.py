"""The interface is complete in both working languages, English and Russian.

- every message the code and templates mark for translation has a Russian translation, nothing
  fuzzy (`make messages` regenerates the catalogue and compiles it);
- the committed compiled catalogue (django.mo) says exactly what the .po says, so a fresh machine
  needs no GNU gettext to run the portal;
- the main pages render in Russian after the language switcher is used, and the choice is kept;
- dates, times and numbers follow the language; reference data shows its Russian names.
"""

from __future__ import annotations

import gettext as pygettext
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from . import pofile

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
PO = LOCALE_DIR / "ru" / "LC_MESSAGES" / "django.po"
MO = LOCALE_DIR / "ru" / "LC_MESSAGES" / "django.mo"

# The same command as `make messages`; keep the two in step.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "ru",
    "--no-location",
    "--no-obsolete",
    "--ignore=.venv",
    "--ignore=var",
    "--ignore=tests",
    "--ignore=loadtest",
]
NOT_SOURCE = {".venv", "var", "tests", "loadtest", "node_modules", "media", "staticfiles"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
RUSSIAN_PLURALS = {1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 14: 2, 21: 0, 22: 1, 25: 2, 111: 2}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _problems(entries: list[pofile.Entry]) -> list[str]:
    problems = []
    for entry in entries:
        if entry.is_header:
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.label()}")
        elif not entry.translated:
            problems.append(f"no Russian translation: {entry.label()}")
        elif entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1, 2]:
            problems.append(f"needs the three Russian plural forms: {entry.label()}")
    return problems


def test_the_committed_catalogue_translates_every_message():
    entries = pofile.parse(PO)
    assert len(entries) > 500, "the Russian catalogue looks truncated"
    problems = _problems(entries)
    assert not problems, "Translate these in locale/ru/LC_MESSAGES/django.po:\n" + "\n".join(
        problems
    )


def test_the_catalogue_declares_the_three_russian_plural_forms():
    plural_forms = pofile.header(pofile.parse(PO)).get("Plural-Forms", "")
    assert plural_forms.startswith("nplurals=3;"), plural_forms
    catalog = pygettext.GNUTranslations(MO.open("rb"))
    assert {n: catalog.plural(n) for n in RUSSIAN_PLURALS} == RUSSIAN_PLURALS


def test_translations_keep_every_placeholder():
    wrong = []
    for entry in pofile.parse(PO):
        if entry.is_header:
            continue
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid_plural]
        wanted = set(PLACEHOLDER.findall(sources[0]))
        if entry.msgid_plural is not None:
            wanted |= set(PLACEHOLDER.findall(entry.msgid))
        for form, text in entry.msgstr.items():
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append(f"{entry.label()} form {form}: {text!r}")
    assert not wrong, "Placeholders differ from the English:\n" + "\n".join(wrong)


def test_the_compiled_catalogue_is_up_to_date_with_the_po():
    """Read with Python's own gettext: compiling needs GNU msgfmt, checking does not."""
    compiled = pygettext.GNUTranslations(MO.open("rb"))._catalog
    expected = {}
    for entry in pofile.parse(PO):
        if entry.is_header or entry.fuzzy or not entry.translated:
            continue
        if entry.msgid_plural is None:
            expected[entry.catalog_key] = entry.msgstr[0]
        else:
            for form, text in entry.msgstr.items():
                expected[(entry.catalog_key, form)] = text
    compiled = {key: value for key, value in compiled.items() if key != ""}
    stale = {key for key in expected if compiled.get(key) != expected[key]}
    extra = set(compiled) - set(expected)
    assert not (stale | extra), (
        "locale/ru/LC_MESSAGES/django.mo is out of date; run `make messages`. "
        f"Differs: {sorted(map(str, stale))[:10]}; only in .mo: {sorted(map(str, extra))[:10]}"
    )


def test_django_uses_the_russian_catalogue():
    entries = {e.msgid: e.msgstr[0] for e in pofile.parse(PO) if e.msgid_plural is None}
    with translation.override("ru"):
        assert translation.gettext("Dashboard") == entries["Dashboard"]
        assert translation.gettext("Focal points") == entries["Focal points"]
        assert translation.pgettext("originating state", "From") == "Источник"
        assert translation.ngettext("%(counter)s share", "%(counter)s shares", 5) % {
            "counter": 5
        } == ("5 сообщений")
    with translation.override("en"):
        assert translation.gettext("Dashboard") == "Dashboard"


def _source_copy(destination: Path) -> Path:
    def ignore(directory, names):
        top = Path(directory) == BASE_DIR
        return {
            name
            for name in names
            if name == "__pycache__"
            or name.endswith(".egg-info")
            or (top and (name in NOT_SOURCE or name.startswith(".")))
        }

    shutil.copytree(BASE_DIR, destination, ignore=ignore)
    return destination


@pytest.mark.services
def test_every_message_in_the_code_has_a_russian_translation(tmp_path):
    """Extract the messages afresh (GNU xgettext) into a copy and require each translated."""
    missing = [tool for tool in ("xgettext", "msgmerge", "msguniq") if not shutil.which(tool)]
    if missing:
        pytest.skip(
            f"GNU gettext is not installed ({', '.join(missing)} missing): "
            "apt-get install gettext to check the catalogue against the code"
        )
    copy = _source_copy(tmp_path / "src")
    environment = {
        **os.environ,
        "DEBUG": "1",
        "SECRET_KEY": "i18n-test-only",
        "DJANGO_SETTINGS_MODULE": "portal_site.settings",  # the copy has no tests/
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    problems = _problems(pofile.parse(copy / PO.relative_to(BASE_DIR)))
    assert not problems, (
        "Messages without a Russian translation; run `make messages`, translate them in "
        "locale/ru/LC_MESSAGES/django.po, and run `make messages` again:\n" + "\n".join(problems)
    )


# --- Pages in Russian ------------------------------------------------------------------------


class _Text(HTMLParser):
    """The visible text of a page and the labels read aloud, except text marked as another
    language (the switcher's "English")."""

    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[str] = []

    def _language(self) -> str | None:
        for _, lang in reversed(self.stack):
            if lang:
                return lang
        return None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        if tag not in self.VOID:
            self.stack.append((tag, lang))
        if (lang or self._language() or "ru").startswith("ru"):
            for name in ("aria-label", "title", "placeholder", "alt"):
                if attrs.get(name):
                    self.texts.append(attrs[name].strip())

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if any(tag in ("script", "style") for tag, _ in self.stack):
            return
        if not (self._language() or "ru").startswith("ru"):
            return
        if data.strip():
            self.texts.append(" ".join(data.split()))


def _english_messages() -> set[str]:
    """English interface texts whose Russian differs: none of them may show on a Russian page.

    Only those that start with a capital: the lowercase ones are mostly field names, which the
    English data (the Action Plan's own text) can happen to repeat word for word."""
    return {
        entry.msgid
        for entry in pofile.parse(PO)
        if not entry.is_header
        and entry.msgid_plural is None
        and not PLACEHOLDER.search(entry.msgid)
        and entry.msgstr.get(0) not in ("", entry.msgid)
        and re.match(r"[A-Z][A-Za-z]", entry.msgid)
    }


def _switch_to(client, language: str, next_url: str = "/"):
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    return response


def _assert_russian(response, *, must_show: list[str], must_not_show: list[str]):
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.texts)
    assert CYRILLIC.search(text)
    for phrase in must_show:
        assert phrase in text, f"{phrase!r} is not on the Russian page"
    for phrase in must_not_show:
        assert phrase not in text, f"English {phrase!r} is on the Russian page"
    english = _english_messages()
    leftovers = sorted({t for t in parser.texts if t in english})
    assert not leftovers, f"English interface text on the Russian page: {leftovers}"


@pytest.fixture
def russian(client):
    _switch_to(client, "ru")
    return client


@pytest.mark.django_db
def test_the_login_page_in_russian(russian):
    response = russian.get(reverse("login"))
    _assert_russian(
        response,
        must_show=["Войти", "Портал сотрудничества", "Забыли пароль?"],
        must_not_show=["Log in", "Forgotten your password?", "Cooperation portal"],
    )


@pytest.mark.django_db
def test_the_dashboard_of_a_focal_point_in_russian(russian, fp_kz):
    russian.force_login(fp_kz)
    response = russian.get(reverse("home"))
    _assert_russian(
        response,
        must_show=["Главная", "План действий", "Национальные координаторы", "Казахстан"],
        must_not_show=["Dashboard", "Action Plan", "Log out", "Kazakhstan"],
    )


@pytest.mark.django_db
def test_the_approvals_inbox_of_an_approver_in_russian(russian, approver_kz, secretariat, kz):
    from cica_portal import approvals

    approvals.open_request(
        kz,
        purpose="test",
        title="A new measure",
        content={"text": "v1"},
        states=[kz],
        opened_by=secretariat,
    )
    russian.force_login(approver_kz)
    response = russian.get(reverse("approvals-inbox"))
    _assert_russian(
        response,
        must_show=["Входящие запросы на согласование", "Запросы, ожидающие вашего ответа"],
        must_not_show=["Approvals inbox", "Requests waiting for your answer", "Deadline"],
    )
    assert "A new measure" in response.content.decode()  # the request's own text stays as written


@pytest.mark.django_db
def test_the_plan_in_russian_with_the_areas_russian_titles(russian, fp_kz):
    from actionplan import services
    from cica_portal.models import Area

    services.load_plan()
    russian.force_login(fp_kz)
    response = russian.get(reverse("actionplan:index"))
    titles = list(Area.objects.values_list("title_ru", "title_en"))
    assert titles
    assert all(ru for ru, _ in titles)
    _assert_russian(
        response,
        must_show=[
            "План действий",
            "Вопросы для возможного рассмотрения",
            *[ru for ru, _ in titles],
        ],
        must_not_show=["Issues for possible consideration", *[en for _, en in titles]],
    )


# --- The choice is kept; dates and numbers follow it -----------------------------------------


@pytest.mark.django_db
def test_the_language_choice_is_remembered_across_login_and_logout(client, fp_kz):
    response = _switch_to(client, "ru", next_url=reverse("login"))
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ru"
    assert '<html lang="ru">' in client.get(reverse("login")).content.decode()

    client.force_login(fp_kz)
    assert "Главная" in client.get(reverse("home")).content.decode()
    client.post(reverse("logout"))
    assert "Войти" in client.get(reverse("login")).content.decode()

    _switch_to(client, "en")
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page


@pytest.mark.django_db
def test_the_language_cookie_outlives_the_browser_session(client):
    cookie = _switch_to(client, "ru").cookies[settings.LANGUAGE_COOKIE_NAME]
    assert int(cookie["max-age"]) >= 30 * 24 * 3600


@pytest.mark.django_db
def test_a_browser_asking_for_russian_gets_russian(client):
    page = client.get(reverse("login"), headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert '<html lang="ru">' in page.content.decode()


def test_dates_and_numbers_follow_the_language():
    import datetime

    template = Template('{{ day|date:"DATE_FORMAT" }} | {{ day|date:"F Y" }} | {{ number }}')
    context = Context({"day": datetime.date(2026, 3, 5), "number": 1234.5})
    with translation.override("ru"):
        assert template.render(context) == "5 марта 2026 г. | Март 2026 | 1234,5"
    with translation.override("en"):
        assert template.render(context) == "5 March 2026 | March 2026 | 1234.5"


@pytest.mark.django_db
def test_the_dashboard_and_calendar_show_russian_months(russian, fp_kz):
    from tests.actionplan.factories import ReviewCycleFactory

    cycle = ReviewCycleFactory()
    russian.force_login(fp_kz)
    with translation.override("ru"):
        deadline = Template('{{ d|date:"DATE_FORMAT" }}').render(
            Context({"d": cycle.report_deadline})
        )
    months = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    assert deadline.split()[1] in months.split()
    assert deadline in russian.get(reverse("home")).content.decode()

    calendar = russian.get(reverse("meetings:calendar"), {"month": "2026-03"}).content.decode()
    assert "Март 2026" in calendar
    assert "March 2026" not in calendar
    assert ">Пн</th>" in calendar
    assert ">Mon</th>" not in calendar


@pytest.mark.django_db
def test_a_meeting_page_gives_its_dates_in_russian(russian, fp_kz):
    import datetime
    import zoneinfo

    from tests.meetings.factories import MeetingFactory

    start = datetime.datetime(2027, 3, 10, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Istanbul"))
    meeting = MeetingFactory(
        start=start, end=start + datetime.timedelta(hours=7), time_zone="Europe/Istanbul"
    )
    russian.force_login(fp_kz)
    page = russian.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "10 марта 2027 г., 10:00" in page
    assert "March" not in page
