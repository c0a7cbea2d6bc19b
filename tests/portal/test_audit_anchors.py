"""The audit log's end is anchored outside the database: a cut-off tail, a head moved back or an
anchored record rewritten (even with the key) is found, and anchoring twice adds nothing."""

import io
import json
import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from cica_portal import audit, audit_anchors, tasks
from cica_portal.models import AuditChainHead, AuditRecord
from tests.portal.test_audit_log import TEST_KEY, hmac_with, recompute_from


def _chain(n=5):
    return [audit.log(None, "test.event", data={"n": i}) for i in range(n)]


def _lines():
    path = settings.AUDIT_ANCHOR_FILE
    return path.read_text().splitlines() if path.exists() else []


def _first_break():
    return audit.verify().problem


def _cut_after(seq: int) -> None:
    """Delete every record after `seq` and move the head back onto it: all that is left verifies."""
    AuditRecord.objects.filter(seq__gt=seq).delete()
    kept = AuditRecord.objects.get(seq=seq)
    AuditChainHead.objects.filter(pk=1).update(seq=kept.seq, hash=kept.hash)


@pytest.mark.django_db
def test_an_anchor_is_one_signed_json_line_with_the_last_seq_and_hash():
    records = _chain(3)
    anchor = audit_anchors.anchor()
    (line,) = _lines()
    fields = json.loads(line)
    assert set(fields) == {"seq", "hash", "at", "key", "mac"}
    assert (fields["seq"], fields["hash"], fields["key"]) == (3, records[-1].hash, "test")
    assert anchor.seq == 3
    assert audit.verify().problem is None


@pytest.mark.django_db
def test_a_tail_cut_off_with_the_head_moved_back_is_found_by_the_anchor():
    _chain(5)
    audit_anchors.anchor()
    _cut_after(3)
    problem = _first_break()
    assert problem.seq == 4
    assert "truncated" in problem.reason
    assert "#5 was anchored" in problem.reason
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit_log", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "record #4" in err.getvalue()


@pytest.mark.django_db
def test_records_after_the_last_anchor_can_be_cut_and_the_rest_still_holds():
    """The limit, stated: what was written since the last anchor (15 minutes at most) is not
    pinned yet; everything up to it is."""
    _chain(5)
    audit_anchors.anchor()
    audit.log(None, "test.after-the-anchor")
    _cut_after(5)
    assert _first_break() is None


@pytest.mark.django_db
def test_an_anchored_record_rewritten_even_with_the_key_is_found():
    records = _chain(5)
    audit_anchors.anchor()
    AuditRecord.objects.filter(pk=records[1].pk).update(action="test.rewritten")
    recompute_from(records[1].seq, hmac_with(TEST_KEY))  # the key itself leaked
    problem = _first_break()
    assert problem.seq == records[-1].seq
    assert "anchored" in problem.reason


@pytest.mark.django_db
def test_an_altered_anchor_line_is_found():
    _chain(5)
    audit_anchors.anchor()
    fields = json.loads(_lines()[0])
    fields["seq"] = 2
    settings.AUDIT_ANCHOR_FILE.write_text(json.dumps(fields) + "\n")
    problem = _first_break()
    assert problem.anchor_line == 1
    assert "HMAC does not match" in problem.reason


@pytest.mark.parametrize(
    "line",
    [b"not json", b"[1, 2]", b'{"seq": "5"}', b"\xff\xfe", b""],
    ids=["text", "list", "fields", "bytes", "empty"],
)
@pytest.mark.django_db
def test_a_line_that_is_not_an_anchor_breaks_the_file_without_a_crash(line):
    _chain(2)
    audit_anchors.anchor()
    with settings.AUDIT_ANCHOR_FILE.open("ab") as file:
        file.write(line + b"\n")
    problem = _first_break()
    assert problem.anchor_line == 2


@pytest.mark.django_db
def test_an_anchor_forged_without_the_key_is_found():
    _chain(2)
    forged = audit_anchors.encode(9, "f" * 64, "2030-01-01T00:00:00+00:00", "test", b"a guess")
    settings.AUDIT_ANCHOR_FILE.write_text(forged + "\n")
    assert _first_break().anchor_line == 1


@pytest.mark.django_db
def test_the_beat_task_appends_one_line_per_new_head_and_none_for_an_unchanged_one():
    assert tasks.anchor_audit_log() is None  # an empty log: nothing to anchor
    _chain(3)
    assert tasks.anchor_audit_log() == 3
    assert tasks.anchor_audit_log() is None
    assert len(_lines()) == 1
    audit.log(None, "test.later")
    assert tasks.anchor_audit_log() == 4
    assert tasks.anchor_audit_log() is None
    assert [json.loads(line)["seq"] for line in _lines()] == [3, 4]


@pytest.mark.django_db
def test_anchoring_appends_and_never_rewrites_what_is_there():
    _chain(2)
    audit_anchors.anchor()
    before = settings.AUDIT_ANCHOR_FILE.read_bytes()
    audit.log(None, "test.later")
    audit_anchors.anchor()
    assert settings.AUDIT_ANCHOR_FILE.read_bytes().startswith(before)
    assert settings.AUDIT_ANCHOR_FILE.stat().st_mode & 0o007 == 0  # not world-readable


@pytest.mark.django_db
def test_anchoring_refuses_a_log_that_ends_before_the_last_anchor():
    _chain(5)
    audit_anchors.anchor()
    _cut_after(3)
    with pytest.raises(audit_anchors.AnchorRefused):
        audit_anchors.anchor()
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("anchor_audit_log", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "Not anchored" in err.getvalue()
    assert len(_lines()) == 1


@pytest.mark.django_db
def test_the_command_anchors_on_demand():
    _chain(2)
    out = io.StringIO()
    call_command("anchor_audit_log", stdout=out)
    call_command("anchor_audit_log", stdout=out)
    assert "Anchored record #2" in out.getvalue()
    assert "Nothing new to anchor" in out.getvalue()
    assert len(_lines()) == 1


@pytest.mark.django_db
def test_verifying_names_the_anchors_it_checked_or_their_absence():
    _chain(2)
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "no anchors" in out.getvalue()
    audit_anchors.anchor()
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "1 anchors" in out.getvalue()
    assert "last at #2" in out.getvalue()


@pytest.mark.django_db
def test_no_anchor_is_mailed_unless_an_address_is_set():
    _chain(1)
    audit_anchors.anchor()
    assert mail.outbox == []


@pytest.mark.django_db
def test_each_anchor_is_mailed_to_the_secretariat_when_asked(settings):
    settings.AUDIT_ANCHOR_EMAIL = "audit-anchors@cica.example"
    _chain(2)
    audit_anchors.anchor()
    audit_anchors.anchor()  # unchanged: no second mail either
    (message,) = mail.outbox
    assert message.to == ["audit-anchors@cica.example"]
    assert "#2" in message.subject
    assert _lines()[0] in message.body


@pytest.mark.django_db
def test_a_mail_that_fails_keeps_the_anchor_in_the_file(settings, monkeypatch):
    settings.AUDIT_ANCHOR_EMAIL = "audit-anchors@cica.example"

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(audit_anchors, "send_mail", refuse)
    _chain(1)
    assert audit_anchors.anchor().seq == 1
    assert len(_lines()) == 1


@pytest.mark.django_db
def test_beat_anchors_the_log_every_15_minutes():
    task = PeriodicTask.objects.get(task="cica_portal.anchor_audit_log")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (15, "minutes")
