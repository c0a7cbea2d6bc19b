"""Demo calendar: the seminars since 2009, the experts meetings, and the 2027 meetings with
delegations, a training request and an invitation awaiting the member states' approval.

Idempotent: everything is looked up first and only what is missing is made.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import Area, Organisation, State, User

from . import services
from .models import (
    AgendaItem,
    Invitation,
    Kind,
    Meeting,
    MeetingDocument,
    MeetingSeries,
    NeedsQuestionnaire,
    Registration,
    TrainingRequest,
)

ASTANA = "Asia/Almaty"
SERIES_TITLE = "Seminar on police related issues"
REPORTS_PUBLISHED = 4  # the first few seminars have their reports online


def _pdf(title: str) -> bytes:
    """A tiny valid PDF carrying one line of text."""
    text = title.replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def _at(day: date, hour: int, zone: str = ASTANA) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


def _areas(*numbers: int):
    return list(Area.objects.filter(number__in=numbers))


def _plan_items(labels: tuple[str, ...]):
    """The plan items an agenda item discusses, by their references in the plan ("II.3")."""
    from actionplan.selectors import plan_items

    by_label = {item.label: item for item in plan_items().select_related("area")}
    return [by_label[label] for label in labels if label in by_label]


def _meeting(secretariat, *, title, start, end, status, agenda=(), areas=(), **fields):
    meeting = Meeting.objects.filter(title=title).first()
    if meeting:
        return meeting, False
    meeting = services.create_meeting(
        by=secretariat,
        title=title,
        start=start,
        end=end,
        areas=_areas(*areas),
        agenda=[(item_title, _plan_items(labels)) for item_title, labels in agenda],
        **fields,
    )
    if status != meeting.status:
        Meeting.objects.filter(pk=meeting.pk).update(status=status)  # history, not a transition
        meeting.status = status
    return meeting, True


def _report(meeting: Meeting, secretariat: User, title: str) -> None:
    if MeetingDocument.objects.filter(meeting=meeting, title=title).exists():
        return
    services.upload_document(
        meeting,
        by=secretariat,
        upload=ContentFile(_pdf(title), name="report.pdf"),
        kind=MeetingDocument.DocKind.REPORT,
        title=title,
        access=MeetingDocument.Access.ALL_MEMBERS,
    )


def _past(secretariat) -> int:
    made = 0
    series = MeetingSeries.objects.filter(title=SERIES_TITLE).first()
    if series is None:
        series = services.create_series(
            by=secretariat,
            title=SERIES_TITLE,
            kind=Kind.POLICE_SEMINAR,
            first_date=date(2009, 4, 15),
            start_time=time(10),
            duration_days=2,
            interval_months=6,
            occurrences=8,
            time_zone=ASTANA,
            areas=_areas(2),
        )
    created = services.generate_occurrences(series, by=secretariat)
    made += len(created)
    for number, meeting in enumerate(series.meetings.order_by("start"), start=1):
        if meeting.pk not in {m.pk for m in created}:
            continue
        published = number <= REPORTS_PUBLISHED
        Meeting.objects.filter(pk=meeting.pk).update(
            status=Meeting.Status.REPORT_PUBLISHED if published else Meeting.Status.HELD,
            venue="CICA Secretariat, Astana",
            host_state=State.objects.filter(code="KZ").first(),
            outcome="Experts exchanged national practice on police co-operation and agreed "
            "the topic of the next seminar."
            if published
            else "",
        )
        if published:
            _report(meeting, secretariat, f"Report: {meeting.title}")
    for title, kind, day, zone, host, areas, venue in [
        (
            "Experts meeting on new challenges and threats (Ankara)",
            Kind.OTHER,
            date(2008, 1, 31),
            "Europe/Istanbul",
            "TR",
            (1, 2, 3, 4),
            "Ankara",
        ),
        (
            "CICA experts meeting on border control and management",
            Kind.BORDER_EXPERTS,
            date(2009, 9, 22),
            ASTANA,
            "KZ",
            (1,),
            "Astana",
        ),
        (
            "CICA experts meeting on terrorism",
            Kind.TERRORISM_EXPERTS,
            date(2010, 5, 18),
            "Asia/Tashkent",
            "UZ",
            (3,),
            "Tashkent",
        ),
    ]:
        meeting, new = _meeting(
            secretariat,
            title=title,
            kind=kind,
            start=_at(day, 10, zone),
            end=_at(day + timedelta(days=1), 17, zone),
            time_zone=zone,
            host_state=State.objects.filter(code=host).first(),
            venue=venue,
            areas=areas,
            status=Meeting.Status.REPORT_PUBLISHED,
            outcome="The meeting agreed the activities recorded in its report.",
        )
        if new:
            made += 1
            _report(meeting, secretariat, f"Report: {title}")
    return made


UPCOMING = [
    # title, kind, start, days, zone, host, venue, areas, agenda (title, plan references), max
    # delegates
    (
        "Senior Officials Committee session, 2027",
        Kind.SOC_SESSION,
        date(2027, 4, 20),
        2,
        ASTANA,
        "KZ",
        "CICA Secretariat, Astana",
        (1, 2, 3, 4),
        [("Annual review of the Action Plan's implementation", ("I.A", "II.A", "III.A", "IV.A"))],
        5,
    ),
    (
        "Special Working Group session, spring 2027",
        Kind.SWG_SESSION,
        date(2027, 3, 16),
        2,
        ASTANA,
        "KZ",
        "CICA Secretariat, Astana",
        (1, 2, 3, 4),
        [("Review of implementation by area", ("I.1", "II.1", "II.3"))],
        4,
    ),
    (
        "CICA Chiefs of Police meeting",
        Kind.CHIEFS_OF_POLICE,
        date(2027, 5, 25),
        2,
        "Asia/Baku",
        "AZ",
        "Baku",
        (2,),
        [
            ("Calendar of twice yearly seminars on police related issues", ("II.1",)),
            ("Lost and stolen travel documents: the INTERPOL database", ("II.3",)),
        ],
        4,
    ),
    (
        "Joint CICA-IOM regional workshop on human trafficking",
        Kind.CICA_IOM_TRAFFICKING,
        date(2027, 6, 15),
        3,
        "Asia/Bangkok",
        "TH",
        "Bangkok",
        (4,),
        [("Coordinated responses and information sharing", ("IV.A(a)", "IV.A(b)"))],
        3,
    ),
]
REGISTERED = {
    "Senior Officials Committee session, 2027": ["kz", "ru", "cn", "in", "tr"],
    "Special Working Group session, spring 2027": ["kz", "ru", "az"],
    "CICA Chiefs of Police meeting": ["kz", "az", "kg"],
    "Joint CICA-IOM regional workshop on human trafficking": ["th"],
}
CONFIRMED = {"kz", "ru"}


def _upcoming(secretariat) -> int:
    made = 0
    for title, kind, day, days, zone, host, venue, areas, agenda, limit in UPCOMING:
        start = _at(day, 10, zone)
        meeting, new = _meeting(
            secretariat,
            title=title,
            kind=kind,
            start=start,
            end=_at(day + timedelta(days=days - 1), 17, zone),
            time_zone=zone,
            host_state=State.objects.filter(code=host).first(),
            venue=venue,
            areas=areas,
            agenda=agenda,
            status=Meeting.Status.CONFIRMED,
            registration_deadline=start - timedelta(days=30),
            max_delegates_per_state=limit,
        )
        made += new
        for code in REGISTERED[title]:
            focal_point = User.objects.filter(username=f"fp-{code}").first()
            if (
                focal_point is None
                or Registration.objects.filter(meeting=meeting, state=focal_point.state).exists()
            ):
                continue
            registration = services.register_delegation(
                meeting,
                by=focal_point,
                delegates=[
                    {
                        "name": f"Head of delegation, {focal_point.state.name_en}",
                        "role": "head",
                        "position": "Deputy Minister of Internal Affairs",
                    },
                    {
                        "name": f"Expert, {focal_point.state.name_en}",
                        "role": "expert",
                        "position": "Head of international co-operation department",
                        "interpretation": "ru" if code in {"kz", "ru", "kg"} else "en",
                    },
                ],
            )
            if code in CONFIRMED:
                services.confirm_registration(registration, by=secretariat)
    return made


def _training(secretariat) -> None:
    focal_point = User.objects.filter(username="fp-tj").first()
    topic = "Risk analysis and profiling at border crossing points"
    if focal_point is None or TrainingRequest.objects.filter(topic=topic).exists():
        return
    services.request_training(
        by=focal_point,
        area=Area.objects.get(number=1),
        topic=topic,
        preferred_period="second half of 2027",
        expected_participants=25,
        needs="Interpretation English–Russian; a field visit to a border crossing point.",
    )


def _invitation(secretariat) -> None:
    meeting = Meeting.objects.filter(title="CICA Chiefs of Police meeting").first()
    interpol = Organisation.objects.filter(code__iexact="interpol").first()
    if meeting is None or interpol is None:
        return
    if Invitation.objects.filter(meeting=meeting, organisation=interpol).exists():
        return
    invitation = services.invite_organisation(
        meeting,
        interpol,
        by=secretariat,
        message="To present the INTERPOL database of stolen and lost travel documents "
        "(Action Plan, area II).",
        deadline=timezone.now() + timedelta(days=45),
    )
    for code in ["kz", "ru", "cn", "az"]:
        approver = User.objects.filter(username=f"approver-{code}").first()
        if approver:
            approvals.answer_request(
                invitation.approval,
                approver=approver,
                decision="approve",
                seen_hash=invitation.approval.content_hash,
            )


def _timetable(secretariat) -> None:
    """The Chiefs of Police meeting's first day, session by session, in Baku's time."""
    meeting = Meeting.objects.filter(title="CICA Chiefs of Police meeting").first()
    if secretariat is None or meeting is None or meeting.sessions.exists():
        return
    items = list(meeting.agenda_items.order_by("position"))
    day = meeting.local_start.date()
    zone = meeting.time_zone
    services.save_timetable(
        meeting,
        by=secretariat,
        sessions=[
            {
                "title": "Opening session",
                "start": _at(day, 10, zone),
                "end": _at(day, 11, zone),
                "chair": "Head of delegation, Azerbaijan",
                "speakers": "Executive Director, CICA Secretariat\nHead of delegation, Azerbaijan",
                "agenda_items": [],
            },
            {
                "title": "Police seminars and lost and stolen documents",
                "start": _at(day, 11, zone) + timedelta(minutes=30),
                "end": _at(day, 13, zone),
                "chair": "Head of delegation, Kazakhstan",
                "speakers": "INTERPOL (if agreed by the member states)",
                "agenda_items": items,
            },
        ],
    )


NEEDS_TITLE = "Training of the trainers: needs of the police services, 2027"


def _needs(secretariat) -> None:
    """A questionnaire on training of the trainers (II.2): Kazakhstan has answered."""
    if secretariat is None or NeedsQuestionnaire.objects.filter(title=NEEDS_TITLE).exists():
        return
    questionnaire = services.send_needs_questionnaire(
        by=secretariat,
        area=Area.objects.get(number=2),
        title=NEEDS_TITLE,
        topics="Detection of forged travel documents\nUse of the INTERPOL databases\n"
        "Investigating human trafficking",
    )
    focal_point = User.objects.filter(username="fp-kz").first()
    if focal_point is not None:
        services.save_needs_answer(
            questionnaire,
            by=focal_point,
            institutional_capacity="Academy of the Ministry of Internal Affairs, Almaty.",
            trainers_available=6,
            needs=[
                {"topic": "Detection of forged travel documents", "trainees": 8, "language": "ru"},
                {"topic": "Use of the INTERPOL databases", "trainees": 4, "language": "en,ru"},
            ],
            submit=True,
        )


# The demo's texts in Russian, as the Secretariat would enter them beside the English in the
# admin (official translations): titles, outcomes, agenda items and report titles.
RUSSIAN = {
    SERIES_TITLE: "Семинар по вопросам деятельности полиции",
    "Experts meeting on new challenges and threats (Ankara)": (
        "Совещание экспертов по новым вызовам и угрозам (Анкара)"
    ),
    "CICA experts meeting on border control and management": (
        "Совещание экспертов СВМДА по пограничному контролю и управлению границами"
    ),
    "CICA experts meeting on terrorism": "Совещание экспертов СВМДА по терроризму",
    "Senior Officials Committee session, 2027": (
        "Заседание Комитета старших должностных лиц, 2027 год"
    ),
    "Special Working Group session, spring 2027": (
        "Заседание Специальной рабочей группы, весна 2027 года"
    ),
    "CICA Chiefs of Police meeting": "Встреча руководителей полиции государств — членов СВМДА",
    "Joint CICA-IOM regional workshop on human trafficking": (
        "Совместный региональный семинар СВМДА и МОМ по торговле людьми"
    ),
    "Annual review of the Action Plan's implementation": (
        "Ежегодный обзор выполнения Плана действий"
    ),
    "Review of implementation by area": "Обзор выполнения по направлениям",
    "Calendar of twice yearly seminars on police related issues": (
        "График семинаров по вопросам деятельности полиции (дважды в год)"
    ),
    "Lost and stolen travel documents: the INTERPOL database": (
        "Утерянные и похищенные проездные документы: база данных INTERPOL"
    ),
    "Coordinated responses and information sharing": (
        "Согласованные ответные меры и обмен информацией"
    ),
    "Experts exchanged national practice on police co-operation and agreed the topic of the "
    "next seminar.": (
        "Эксперты обменялись национальной практикой полицейского сотрудничества и согласовали "
        "тему следующего семинара."
    ),
    "The meeting agreed the activities recorded in its report.": (
        "Участники совещания согласовали мероприятия, отражённые в его докладе."
    ),
}
RUSSIAN_MONTHS = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]


def _russian(english: str, start: datetime | None = None) -> str:
    """The Russian of a demo text ("" when there is none): a series' occurrence is the
    series' title and its month, a report "Report: <meeting>"."""
    if not english:
        return ""
    if english in RUSSIAN:
        return RUSSIAN[english]
    if english.startswith("Report: "):
        meeting = _russian(english.removeprefix("Report: "), start)
        return f"Доклад: {meeting}" if meeting else ""
    if english.startswith(f"{SERIES_TITLE} (") and start is not None:
        month = RUSSIAN_MONTHS[start.month - 1]
        return f"{RUSSIAN[SERIES_TITLE]} ({month} {start.year} г.)"
    return ""


def _in_russian(secretariat: User | None) -> None:
    """Give the demo's meetings, agenda items and documents their Russian, once (a text whose
    Russian someone has already entered is left alone)."""
    from cica_portal.bilingual import LanguageStatus
    from cica_portal.bilingual_services import save_language_versions

    if secretariat is None:
        return
    official = {"ru_status": LanguageStatus.OFFICIAL}
    for meeting in Meeting.objects.filter(Q(title_ru="") | Q(title_ru__isnull=True)):
        title = _russian(meeting.title_en, meeting.start)
        if not title:
            continue
        outcome = _russian(meeting.outcome_en or "")
        values = {"title_ru": title, **official}
        if outcome:
            values["outcome_ru"] = outcome
        save_language_versions(meeting, by=secretariat, values=values)
    agenda = AgendaItem.objects.filter(Q(title_ru="") | Q(title_ru__isnull=True))
    for item in agenda:
        title = _russian(item.title_en)
        if title:
            save_language_versions(item, by=secretariat, values={"title_ru": title, **official})
    documents = MeetingDocument.objects.filter(Q(title_ru="") | Q(title_ru__isnull=True))
    for document in documents.select_related("meeting"):
        title = _russian(document.title_en, document.meeting.start)
        if title:
            save_language_versions(document, by=secretariat, values={"title_ru": title, **official})


@transaction.atomic
def seed_demo(*, password: str = "", stdout=None) -> None:
    """Fill the calendar; running it twice changes nothing."""
    secretariat = User.objects.filter(username="secretariat").first()
    made = _past(secretariat) + _upcoming(secretariat)
    _training(secretariat)
    _invitation(secretariat)
    _timetable(secretariat)
    _needs(secretariat)
    _in_russian(secretariat)
    if stdout is not None:
        stdout.write(f"Meetings: {made} created, {Meeting.objects.count()} in the calendar.")
