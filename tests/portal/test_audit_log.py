"""The audit log is a keyed hash chain: any altered, inserted or removed record is found, also
when an insider with the database and the source recomputes every hash after it."""

import hashlib
import hmac
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cica_portal import audit
from cica_portal.models import AuditChainHead, AuditRecord
from tests.settings import TEST_AUDIT_KEYS

TEST_KEY_ID, TEST_KEY = TEST_AUDIT_KEYS.split(":", 1)


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
    assert problem.seq == records[2].seq
    assert "altered" in problem.reason


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
    assert "hunter2" not in str(record.data)
    assert "abc" not in str(record.data)
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


# --- An insider with the database and the source ------------------------------------------------


def plain_sha256(record):
    return hashlib.sha256(audit.canonical(record)).hexdigest()


def hmac_with(key: str):
    return lambda record: hmac.new(key.encode(), audit.canonical(record), "sha256").hexdigest()


def recompute_from(seq: int, digest) -> None:
    """Relink and rehash every record from `seq` on with `digest`, and move the head to the end:
    everything an insider who can write to the database and has read the source can do."""
    before = AuditRecord.objects.filter(seq=seq - 1).first()
    prev = before.hash if before else audit.GENESIS
    last = None
    for record in AuditRecord.objects.filter(seq__gte=seq).order_by("seq"):
        record.prev_hash = prev
        record.hash = prev = digest(record)
        record.save(update_fields=["key_id", "prev_hash", "hash"])
        last = record
    AuditChainHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash)


@pytest.mark.django_db
def test_each_record_is_signed_with_the_key_it_names():
    record = audit.log(None, "test.event", data={"n": 1})
    record.refresh_from_db()
    assert record.key_id == TEST_KEY_ID
    assert record.hash == hmac_with(TEST_KEY)(record)
    assert record.hash != plain_sha256(record)


@pytest.mark.django_db
def test_it_finds_a_record_altered_with_every_later_hash_recomputed_in_plain_sha256():
    records = _chain()
    AuditRecord.objects.filter(pk=records[2].pk).update(data={"n": 99})
    recompute_from(records[2].seq, plain_sha256)
    problem = _first_break()
    assert problem.seq == records[2].seq
    assert "altered" in problem.reason
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit_log", stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_info.value.code == 1


@pytest.mark.parametrize(
    "guess",
    [
        "",
        "x",  # the SECRET_KEY the test run uses
        hmac.new(b"x", b"cica-portal audit key, DEBUG only", "sha256").hexdigest(),  # DEBUG's
        TEST_KEY[:-1] + "!",
    ],
    ids=["empty", "secret-key", "debug-derivation", "one-character-off"],
)
@pytest.mark.django_db
def test_without_the_key_an_hmac_cannot_be_forged(guess):
    records = _chain()
    AuditRecord.objects.filter(pk=records[1].pk).update(action="test.forged")
    recompute_from(records[1].seq, hmac_with(guess))
    problem = _first_break()
    assert problem.seq == records[1].seq
    assert "altered" in problem.reason


@pytest.mark.django_db
def test_a_record_signed_with_a_key_outside_the_keyring_is_refused():
    records = _chain(3)
    AuditRecord.objects.filter(pk=records[1].pk).update(key_id="mine")
    recompute_from(records[1].seq, hmac_with("an-insider-key-of-their-own-making-0123456789"))
    problem = _first_break()
    assert problem.seq == records[1].seq
    assert "'mine'" in problem.reason
    assert "not in the keyring" in problem.reason


@pytest.mark.django_db
def test_it_finds_a_record_inserted_in_the_middle_with_the_chain_recomputed():
    records = _chain()
    for record in reversed(records[2:]):  # make room at #3, from the end (seq is unique)
        AuditRecord.objects.filter(pk=record.pk).update(seq=record.seq + 1)
    AuditRecord.objects.create(
        seq=records[2].seq, at=records[2].at, action="test.forged", key_id=TEST_KEY_ID,
        prev_hash="", hash="to be recomputed",
    )  # fmt: skip
    recompute_from(records[2].seq, plain_sha256)
    assert _first_break().seq == records[2].seq


@pytest.mark.django_db
def test_it_finds_a_record_removed_from_the_middle_with_the_chain_recomputed():
    records = _chain()
    AuditRecord.objects.filter(pk=records[2].pk).delete()
    for record in records[3:]:
        AuditRecord.objects.filter(pk=record.pk).update(seq=record.seq - 1)
    recompute_from(records[2].seq, plain_sha256)
    assert _first_break().seq == records[2].seq


@pytest.mark.django_db
def test_it_finds_the_head_moved_back_over_records_that_remain():
    records = _chain()
    AuditChainHead.objects.filter(pk=1).update(seq=records[2].seq, hash=records[2].hash)
    problem = _first_break()
    assert problem.seq == records[3].seq
    assert "head" in problem.reason


@pytest.mark.django_db
def test_the_command_says_how_many_records_and_which_keys_it_verified():
    _chain(4)
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert out.getvalue().startswith("Audit log intact: 4 records verified")
    assert f"keys {TEST_KEY_ID} (4)" in out.getvalue()


@pytest.mark.django_db
def test_writing_a_record_costs_three_queries_lock_insert_move_the_head():
    audit.log(None, "test.warm-up")
    with CaptureQueriesContext(connection) as queries:
        audit.log(None, "test.event", data={"n": 1})
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 3, statements
    assert "FOR UPDATE" in statements[0] or connection.vendor == "sqlite"


@pytest.mark.django_db
def test_the_admin_shows_the_log_and_changes_nothing(client, secretariat):
    secretariat.is_superuser = True
    secretariat.save(update_fields=["is_superuser"])
    client.force_login(secretariat)
    record = audit.log(None, "test.event", data={"n": 1})
    base = "/admin/cica_portal/auditrecord/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{record.pk}/change/").status_code == 200  # a read-only view
    assert client.post(f"{base}{record.pk}/change/", {"action": "x"}).status_code == 403
    assert client.post(f"{base}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}add/", {"action": "x"}).status_code == 403
    assert client.post(base, {"action": "delete_selected", "_selected_action": [record.pk]})
    record.refresh_from_db()
    assert record.action == "test.event"
    assert _first_break() is None
