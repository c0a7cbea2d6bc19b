"""A backup restored into a new database holds the same approvals, answers, audit log and files,
and the restore verifies the audit log with the keys against the anchors the backup carries."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from cica_portal import approvals, audit, audit_anchors
from cica_portal.models import (
    ApprovalRequest,
    AuditChainHead,
    AuditRecord,
    Notification,
    StateAnswer,
)
from tests.settings import TEST_AUDIT_KEYS, TEST_SHARE_MASTER_KEYS

ROOT = Path(__file__).resolve().parents[2]
TABLES = [ApprovalRequest, StateAnswer, AuditRecord, AuditChainHead, Notification]

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url(name: str) -> str:
    config = connection.settings_dict
    auth = quote(config["USER"] or "postgres")
    if config["PASSWORD"]:
        auth += ":" + quote(config["PASSWORD"])
    return f"postgres://{auth}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{name}"


def rows(url: str, model) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT * FROM {model._meta.db_table} ORDER BY 1").fetchall()  # noqa: S608


def run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def restored_database():
    if connection.vendor != "postgresql":
        pytest.skip("backups are pg_dump archives: run with DATABASE_URL=postgres://...")
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = database_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_holds_the_same_consents_audit_log_and_files(
    restored_database, tmp_path, settings, kz, ru, secretariat, approver_kz, approver_ru
):
    # Data worth keeping: a consent asked of two states, one answer, an audit record, an upload.
    request = approvals.open_request(
        kz,
        purpose="test",
        title="A measure to keep",
        content={"text": "v1"},
        states=[kz, ru],
        opened_by=secretariat,
    )
    approvals.answer_request(
        request,
        approver=approver_kz,
        decision="approve",
        comment="Agreed",
        seen_hash=request.content_hash,
    )
    audit.log(kz, "backup.drill", actor=secretariat, data={"note": "before the backup"})
    assert audit_anchors.anchor() is not None
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = settings.MEDIA_ROOT / "exchange" / "2008" / "report.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 a shared report\n" + bytes(range(256)))

    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/root"),
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "AUDIT_ANCHOR_FILE": str(settings.AUDIT_ANCHOR_FILE),
        # what the portal's processes hold: restore.sh verifies the audit log with them
        "SECRET_KEY": "restore-drill-not-secret",
        "DEBUG": "0",
        "AUDIT_KEYS": TEST_AUDIT_KEYS,
        "SHARE_MASTER_KEYS": TEST_SHARE_MASTER_KEYS,
    }
    backup = run(["scripts/backup.sh"], env)
    assert backup.returncode == 0, backup.stderr
    backup_dir = Path(backup.stdout.strip().splitlines()[-1])
    assert {p.name for p in backup_dir.iterdir()} == {
        "audit-anchors.jsonl",
        "database.dump",
        "media.tar.gz",
        "SHA256SUMS",
        "INFO",
    }
    assert "taken_at=" in (backup_dir / "INFO").read_text()
    anchors = backup_dir / "audit-anchors.jsonl"
    assert anchors.read_bytes() == settings.AUDIT_ANCHOR_FILE.read_bytes()

    restored_media = tmp_path / "restored-media"
    env.update(DATABASE_URL=restored_database, MEDIA_ROOT=str(restored_media))
    restore = run(["scripts/restore.sh", str(backup_dir)], env)
    assert restore.returncode == 0, restore.stderr
    assert "Audit log intact" in restore.stdout
    assert "1 anchors" in restore.stdout

    original = database_url(connection.settings_dict["NAME"])
    for model in TABLES:
        assert rows(restored_database, model) == rows(original, model), model.__name__
    assert len(rows(restored_database, StateAnswer)) == 2
    assert any(row for row in rows(restored_database, AuditRecord) if "backup.drill" in row)
    restored_file = restored_media / "exchange" / "2008" / "report.pdf"
    assert restored_file.read_bytes() == upload.read_bytes()

    # The restored audit log still verifies, and verifying it means something.
    manage = [sys.executable, "manage.py", "verify_audit_log", "--anchor-file", str(anchors)]
    verified = run(manage, env)
    assert verified.returncode == 0, verified.stderr
    assert "Audit log intact" in verified.stdout
    assert run(manage, {**env, "AUDIT_KEYS": "other:" + "o" * 40}).returncode == 1
    with psycopg.connect(restored_database, autocommit=True) as conn:
        conn.execute(
            f"UPDATE {AuditRecord._meta.db_table} SET action = 'tampered' "  # noqa: S608
            "WHERE seq = (SELECT max(seq) FROM cica_portal_auditrecord)"
        )
    assert run(manage, env).returncode != 0
    # Cutting the tampered record off and moving the head back: the backup's anchors find it.
    with psycopg.connect(restored_database, autocommit=True) as conn:
        conn.execute("DELETE FROM cica_portal_auditrecord WHERE action = 'tampered'")
        conn.execute(
            "UPDATE cica_portal_auditchainhead h SET seq = r.seq, hash = r.hash "
            "FROM cica_portal_auditrecord r WHERE r.seq = h.seq - 1"
        )
    cut = run(manage, env)
    assert cut.returncode == 1, cut.stderr
    assert "truncated" in cut.stderr, cut.stderr

    # A second restore into a database that is no longer empty is refused.
    refused = run(
        ["scripts/restore.sh", str(backup_dir)], {**env, "MEDIA_ROOT": str(tmp_path / "x")}
    )
    assert refused.returncode == 2
    assert "already has" in refused.stderr
