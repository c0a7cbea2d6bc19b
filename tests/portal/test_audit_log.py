"""The audit log is a hash chain: any altered, inserted or removed record is found."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from cica_portal import audit
from cica_portal.models import AuditChainHead, AuditRecord


def _chain(n=5):
    return [audit.log(None, "test.event", data={"n": i}) for i in range(n)]


def _first_break():
    return next(audit.verify_chain(), None)


@pytest.mark.django_db
def test_an_untouched_log_verifies():
    _chain()
    assert _first_break() is None
    call_command("verify_audit_log", stdout=io.StringIO())


@pytest.mark.django_db
def test_it_finds_an_altered_record():
    records = _chain()
    AuditRecord.objects.filter(pk=records[2].pk).update(data={"n": 99})
    problem = _first_break()
    assert problem.seq == records[2].seq and "altered" in problem.reason


@pytest.mark.django_db
def test_it_finds_a_removed_record():
    records = _chain()
    AuditRecord.objects.filter(pk=records[1].pk).delete()
    assert _first_break().seq == records[1].seq


@pytest.mark.django_db
def test_it_finds_a_record_removed_from_the_end():
    records = _chain()
    AuditRecord.objects.filter(pk=records[-1].pk).delete()
    assert "end" in _first_break().reason


@pytest.mark.django_db
def test_it_finds_an_inserted_record():
    records = _chain(3)
    # Shift the last record up and forge one in its place: its prev_hash cannot match.
    last = records[-1]
    AuditRecord.objects.filter(pk=last.pk).update(seq=last.seq + 1)
    forged = AuditRecord(
        seq=last.seq, at=last.at, action="test.forged", prev_hash="f" * 64, hash="e" * 64
    )
    forged.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(seq=last.seq + 1)
    assert _first_break().seq == last.seq


@pytest.mark.django_db
def test_the_command_exits_non_zero_on_a_broken_chain():
    records = _chain()
    AuditRecord.objects.filter(pk=records[0].pk).update(action="test.tampered")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit_log", stderr=io.StringIO())
    assert exit_info.value.code == 1


@pytest.mark.django_db
def test_no_password_reaches_the_log():
    record = audit.log(None, "test.secret", data={"password": "hunter2", "token": "abc", "ok": 1})
    assert "hunter2" not in str(record.data) and "abc" not in str(record.data)
    assert record.data["ok"] == 1


@pytest.mark.django_db
def test_a_failed_login_is_logged_without_the_password(client):
    client.post("/accounts/login/", {"username": "someone", "password": "s3cret-guess"})
    record = AuditRecord.objects.get(action="auth.login_failed")
    assert record.data == {"username": "someone"}
    assert "s3cret-guess" not in str(AuditRecord.objects.values_list("data", flat=True))


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_make_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers by itself; the race needs PostgreSQL")
    audit.log(None, "test.start")
    errors = []

    def write(worker):
        try:
            for i in range(10):
                audit.log(None, "test.concurrent", data={"worker": worker, "i": i})
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditRecord.objects.count() == 41
    assert _first_break() is None
