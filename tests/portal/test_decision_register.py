"""The decision register: every adoption or refusal by the member states enters it, numbered per
year, once; each reader sees only the entries whose subject they may read."""

import csv
import io
from datetime import timedelta
from functools import partial
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from cica_portal import approvals
from cica_portal.decisions import record_approval_decision
from cica_portal.models import ApprovalRequest, AuditRecord, RegisteredDecision, State
from tests.concurrency import run_together
from tests.exchange import factories as shares
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = RegisteredDecision.Kind


@pytest.fixture(autouse=True, scope="module")
def _silence_subject():
    def readable(user):
        if user.is_authenticated and user.is_network_member:
            return State.objects.all()
        return State.objects.none()

    approvals.register(
        approvals.SubjectType(
            purpose="test.register",
            model=State,
            visible_to=readable,
            on_closed=lambda *a, **k: None,
            allows_silence=True,
        )
    )
    yield
    approvals.registry.unregister("test.register")


def _open(kz, ru, secretariat, **kwargs):
    return approvals.open_request(
        kz,
        purpose="test.register",
        title=kwargs.pop("title", "Joint CICA-IOM regional workshop"),
        content={"text": kwargs.pop("text", "v1")},
        states=[kz, ru],
        opened_by=secretariat,
        **kwargs,
    )


def _answer(request, approver, decision="approve", comment=""):
    return approvals.answer_request(
        request,
        approver=approver,
        decision=decision,
        comment=comment,
        seen_hash=request.content_hash,
    )


def _adopted(kz, ru, secretariat, approver_kz, approver_ru, **kwargs):
    request = _open(kz, ru, secretariat, **kwargs)
    _answer(request, approver_kz)
    _answer(request, approver_ru)
    request.refresh_from_db()
    return request


def test_it_enters_a_consensus_adoption_bound_to_the_text_adopted(
    kz, ru, secretariat, approver_kz, approver_ru
):
    request = _adopted(kz, ru, secretariat, approver_kz, approver_ru)
    entry = RegisteredDecision.objects.get(approval=request)
    year = timezone.localtime(request.closed_at).year
    assert entry.kind == Kind.CONSENSUS_ADOPTED
    assert entry.number == f"CICA/DEC/{year}/1"
    assert entry.text_hash == request.content_hash
    assert entry.decided_at == request.closed_at
    assert entry.subject == kz
    assert entry.recorded_by == approver_ru
    assert AuditRecord.objects.filter(
        action="decision.registered", object_id=str(entry.pk), data__number=entry.number
    ).exists()


def test_it_enters_a_refusal_by_consensus(kz, ru, secretariat, approver_kz, approver_ru):
    request = _open(kz, ru, secretariat)
    _answer(request, approver_kz, "object", "Paragraph 2 is not agreed.")
    entry = RegisteredDecision.objects.get(approval=request)
    assert entry.kind == Kind.CONSENSUS_REFUSED


def test_expiry_and_withdrawal_decide_nothing_and_enter_nothing(kz, ru, secretariat):
    expiring = _open(kz, ru, secretariat, deadline=timezone.now() + timedelta(hours=1))
    withdrawn = _open(kz, ru, secretariat, text="v2")
    approvals.withdraw_request(withdrawn, actor=secretariat)
    with mock.patch(
        "django.utils.timezone.now", return_value=expiring.deadline + timedelta(seconds=1)
    ):
        assert approvals.close_expired_requests() == 1
    assert not RegisteredDecision.objects.exists()


def test_silence_adopted_and_silence_broken_enter_with_their_kind(kz, ru, secretariat, approver_ru):
    if connection.vendor == "postgresql":
        pytest.skip("the frozen clock stands for the database's; PostgreSQL's race is below")
    until = timezone.now() + timedelta(hours=2)
    silent = _open(kz, ru, secretariat, rule="silence", silence_until=until)
    broken = _open(kz, ru, secretariat, rule="silence", silence_until=until, text="v2")
    approvals.record_view(broken, user=approver_ru)
    _answer(broken, approver_ru, "amend", "Replace paragraph 2 by our text.")
    with mock.patch("django.utils.timezone.now", return_value=until + timedelta(minutes=5)):
        assert approvals.adopt_expired_silences() == 1
        assert approvals.adopt_expired_silences() == 0  # a second run changes nothing
    silent.refresh_from_db()
    adopted = RegisteredDecision.objects.get(approval=silent)
    assert adopted.kind == Kind.SILENCE_ADOPTED
    assert adopted.text_hash == silent.adopted_hash
    assert adopted.decided_at == until  # the stored instant, not when the task ran
    assert RegisteredDecision.objects.get(approval=broken).kind == Kind.SILENCE_BROKEN
    assert RegisteredDecision.objects.count() == 2


def test_entering_the_same_closing_twice_keeps_one_entry(
    kz, ru, secretariat, approver_kz, approver_ru
):
    request = _adopted(kz, ru, secretariat, approver_kz, approver_ru)
    again = record_approval_decision(request, actor=None)
    assert again == RegisteredDecision.objects.get()


def test_numbers_follow_each_other_within_a_year_and_start_again_the_next(
    kz, ru, secretariat, approver_kz, approver_ru
):
    first = _adopted(kz, ru, secretariat, approver_kz, approver_ru, text="a")
    second = _adopted(kz, ru, secretariat, approver_kz, approver_ru, text="b")
    numbers = [RegisteredDecision.objects.get(approval=r).sequence for r in (first, second)]
    assert numbers == [1, 2]
    next_year = timezone.now() + timedelta(days=366)
    with mock.patch("django.utils.timezone.now", return_value=next_year):
        third = _adopted(kz, ru, secretariat, approver_kz, approver_ru, text="c")
    entry = RegisteredDecision.objects.get(approval=third)
    assert (entry.year, entry.sequence) == (timezone.localtime(next_year).year, 1)


# --- who reads what ---------------------------------------------------------------------------


def test_another_states_share_consent_is_not_in_their_register(
    client, fp_kz, approver_kz, approver_ru, approver_cn
):
    share = shares.released(fp_kz, [approver_kz, approver_ru], recipients=("RU",))
    entry = RegisteredDecision.objects.get(approval=share.approval)
    client.force_login(approver_cn)
    assert entry.number not in client.get("/decisions/").content.decode()
    assert client.get(f"/decisions/{entry.pk}/").status_code == 404
    assert client.get(f"/api/v1/decisions/{entry.pk}/").status_code == 404
    assert client.get("/api/v1/decisions/").json()["count"] == 0
    assert entry.number not in client.get("/decisions/export.csv").content.decode()
    client.force_login(approver_ru)
    assert client.get(f"/decisions/{entry.pk}/").status_code == 200


def test_only_the_networks_people_open_the_register(client):
    outsider = UserFactory(username="someone")
    client.force_login(outsider)
    assert client.get("/decisions/").status_code == 403
    assert client.get("/decisions/export.xlsx").status_code == 403
    client.logout()
    assert client.get("/decisions/").status_code == 302


def test_the_register_is_never_written_through_the_admin(client, secretariat):
    secretariat.is_superuser = True
    secretariat.save()
    client.force_login(secretariat)
    assert client.get("/admin/cica_portal/registereddecision/add/").status_code == 403


# --- search, export, API ---------------------------------------------------------------------


@pytest.fixture
def three(kz, ru, secretariat, approver_kz, approver_ru):
    titles = ["Border control seminar", "Chiefs of Police meeting", "Trafficking workshop"]
    requests = [
        _adopted(kz, ru, secretariat, approver_kz, approver_ru, title=title, text=title)
        for title in titles
    ]
    return [RegisteredDecision.objects.get(approval=r) for r in requests]


def test_the_register_finds_an_entry_by_number_or_title(client, fp_ru, three):
    client.force_login(fp_ru)
    by_number = client.get("/decisions/", {"q": three[1].number}).content.decode()
    assert "Chiefs of Police" in by_number
    assert "Trafficking workshop" not in by_number
    by_short = client.get("/decisions/", {"q": f"{three[2].year}/3"}).content.decode()
    assert "Trafficking workshop" in by_short
    assert "Border control" not in by_short
    by_title = client.get("/decisions/", {"q": "border"}).content.decode()
    assert "Border control seminar" in by_title
    assert "Chiefs" not in by_title
    refused = client.get("/decisions/", {"kind": "consensus_refused"}).content.decode()
    assert "Border control seminar" not in refused
    nonsense = client.get("/decisions/", {"year": "x'; drop", "area": "99999", "page": "-1"})
    assert nonsense.status_code == 200


def test_the_register_exports_what_the_list_shows(client, fp_ru, three):
    client.force_login(fp_ru)
    response = client.get("/decisions/export.csv", {"q": "police"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Number"
    assert [row[0] for row in rows[1:]] == [three[1].number]
    assert rows[1][6] == three[1].text_hash
    response = client.get("/decisions/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet.cell(row=n, column=1).value for n in (2, 3, 4)] == [
        e.number for e in reversed(three)
    ]


def test_a_formula_typed_as_a_title_stays_text_in_the_export(
    client, kz, ru, secretariat, approver_kz, approver_ru
):
    _adopted(kz, ru, secretariat, approver_kz, approver_ru, title="=HYPERLINK(1)")
    client.force_login(secretariat)
    rows = list(csv.reader(io.StringIO(client.get("/decisions/export.csv").content.decode())))
    assert rows[1][4] == "'=HYPERLINK(1)"


def test_the_api_lists_and_searches_the_entries_a_caller_may_read(api_client, fp_kz, three):
    api_client.force_authenticate(fp_kz)
    data = api_client.get("/api/v1/decisions/", {"q": "workshop"}).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["number"] == three[2].number
    assert row["kind"] == "consensus_adopted"
    assert row["approval"] == three[2].approval_id
    assert row["subject"]["id"] == three[2].subject_id
    detail = api_client.get(f"/api/v1/decisions/{three[0].pk}/").json()
    assert detail["text_hash"] == three[0].text_hash
    assert api_client.get("/api/v1/decisions/999999/").status_code == 404


def test_the_api_list_reads_its_subjects_in_queries_that_do_not_grow_with_the_entries(
    api_client, fp_kz, three
):
    from cica_portal import decisions

    decisions.register(
        decisions.DecisionSource(
            name="test.register",
            model=State,
            visible_to=lambda user: State.objects.all(),
            url_of=lambda state: f"/states/{state.code}/",
        )
    )
    api_client.force_authenticate(fp_kz)

    def queries_for(q):
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get("/api/v1/decisions/", {"q": q}).status_code == 200
        return len(queries)

    try:
        assert queries_for("Trafficking") == queries_for("")  # one entry, then all three
        assert api_client.get("/api/v1/decisions/").json()["results"][0]["subject"]["url"] == (
            f"/states/{three[2].subject.code}/"
        )
    finally:
        decisions.registry.unregister("test.register")


def test_the_api_refuses_a_filter_it_does_not_understand_naming_it(
    api_client, client, fp_kz, three
):
    api_client.force_authenticate(fp_kz)
    response = api_client.get("/api/v1/decisions/?year=null&kind=treaty&area=2")
    assert response.status_code == 400
    assert set(response.json()) == {"year", "kind"}
    assert api_client.get("/api/v1/decisions/", {"year": "2026", "area": "2"}).status_code == 200
    client.force_login(fp_kz)
    page = client.get("/decisions/", {"year": "null"})  # the page ignores what it does not
    assert page.status_code == 200  # understand and lists everything
    assert three[0].number in page.content.decode()


def test_the_entry_page_names_the_rule_and_links_the_answers(client, approver_kz, three):
    client.force_login(approver_kz)
    page = client.get(f"/decisions/{three[0].pk}/").content.decode()
    assert three[0].number in page
    assert three[0].text_hash in page
    assert f"/approvals/{three[0].approval_id}/" in page


# --- numbering under concurrency, on PostgreSQL --------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_decisions_taken_at_once_get_distinct_consecutive_numbers(kz, ru, secretariat, approver_kz):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested; SQLite runs one writer at a time")
    requests = [_open(kz, ru, secretariat, text=f"text {n}") for n in range(6)]
    errors = run_together(*[partial(_refuse, request.pk, approver_kz.pk) for request in requests])
    assert errors == []
    entries = RegisteredDecision.objects.filter(approval__in=requests)
    assert sorted(entries.values_list("sequence", flat=True)) == list(range(1, 7))
    assert len({entry.number for entry in entries}) == 6


def _refuse(pk, approver_pk):
    from cica_portal.models import User

    request = ApprovalRequest.objects.get(pk=pk)
    _answer(request, User.objects.get(pk=approver_pk), "object", "Not agreed.")
