"""Migration 0010 re-signs the records hashed with plain SHA-256 once, with the audit key, after
verifying them; a log that no longer verifies is refused rather than laundered."""

import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cica_portal import audit
from cica_portal.models import AuditRecord

BEFORE = [("cica_portal", "0008_approval_closed_index")]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _plain_chain(apps, n):
    """Records as the portal wrote them before 0010: plain SHA-256 over the old canonical form."""
    Record = apps.get_model("cica_portal", "AuditRecord")
    Head = apps.get_model("cica_portal", "AuditChainHead")
    prev = audit.GENESIS
    for seq in range(1, n + 1):
        record = Record(seq=seq, at=timezone.now(), action="test.legacy", data={"n": seq})
        record.prev_hash = prev
        content = {
            "seq": record.seq, "at": record.at.isoformat(), "actor_id": None, "actor_label": "",
            "action": record.action, "object_type": "", "object_id": "", "ip_address": None,
            "data": record.data, "prev_hash": prev,
        }  # fmt: skip
        blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        record.hash = prev = hashlib.sha256(blob.encode()).hexdigest()
        record.save(force_insert=True)
    Head.objects.update_or_create(pk=1, defaults={"seq": n, "hash": prev})
    return Record


@pytest.fixture
def before_0010():
    apps = _migrate(BEFORE)
    yield apps
    apps.get_model("cica_portal", "AuditRecord").objects.all().delete()
    apps.get_model("cica_portal", "AuditChainHead").objects.update(seq=0, hash=audit.GENESIS)
    _migrate(_latest())


def test_plain_sha256_records_are_re_signed_with_the_key_and_the_re_signing_is_logged(
    before_0010,
):
    _plain_chain(before_0010, 4)
    _migrate(_latest())
    assert audit.verify().problem is None
    records = list(AuditRecord.objects.order_by("seq"))
    assert [r.key_id for r in records] == ["test"] * 5
    assert records[-1].action == "audit.rekeyed"
    assert records[-1].data["records"] == 4
    assert records[0].data == {"n": 1}  # the content is untouched, only the seal changes
    audit.log(None, "test.after")
    assert audit.verify().problem is None


def test_a_plain_log_that_no_longer_verifies_is_refused(before_0010):
    Record = _plain_chain(before_0010, 3)
    Record.objects.filter(seq=2).update(action="test.tampered")
    with pytest.raises(RuntimeError, match="does not verify at record #2"):
        _migrate(_latest())
    assert Record.objects.get(seq=2).action == "test.tampered"  # rolled back, not re-signed
