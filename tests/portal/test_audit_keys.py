"""The audit key lives outside the database: production refuses to start without one, and a
rotation keeps every old record verifying while new ones are signed with the new key."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from cica_portal import audit, audit_keys
from cica_portal.models import AuditRecord
from tests.settings import TEST_AUDIT_KEYS

ROOT = Path(__file__).resolve().parents[2]
KEY = "k" * 43


def _settings_in_a_fresh_process(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AUDIT_", "DJANGO_"))}
    code = "import portal_site.settings as s; print(list(s.AUDIT_KEYS))"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "SECRET_KEY": "x" * 50, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_an_audit_key():
    result = _settings_in_a_fresh_process(DEBUG="0")
    assert result.returncode != 0
    assert "AUDIT_KEYS (or AUDIT_KEY, or AUDIT_KEY_FILE) must be set" in result.stderr


def test_debug_derives_a_key_of_its_own():
    result = _settings_in_a_fresh_process(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['dev']"


def test_production_starts_with_a_key_from_a_file(tmp_path):
    keys = tmp_path / "audit-keys"
    keys.write_text(f"2:{KEY}\n1:{'o' * 40}\n")
    result = _settings_in_a_fresh_process(DEBUG="0", AUDIT_KEY_FILE=str(keys))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['2', '1']"


def _ring(**environ):
    return audit_keys.from_environment(environ, debug=False, secret_key="x")


def test_one_key_in_audit_key_is_key_1():
    assert _ring(AUDIT_KEY=KEY) == {"1": KEY}


def test_the_first_key_of_the_keyring_signs():
    ring = _ring(AUDIT_KEYS=f"b:{KEY}, a:{'o' * 40}")
    assert list(ring) == ["b", "a"]


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"AUDIT_KEYS": "1:short"}, "shorter than 32"),
        ({"AUDIT_KEYS": f"1:{KEY},1:{KEY}"}, "id of its own"),
        ({"AUDIT_KEYS": f"bad!id:{KEY}"}, "id of its own"),
        ({"AUDIT_KEYS": f"1:{KEY} {KEY}"}, "id of its own"),
        ({"AUDIT_KEYS": f":{KEY}"}, "id of its own"),
        ({"AUDIT_KEYS": f"1:{KEY}", "AUDIT_KEY": KEY}, "only one of"),
        ({"AUDIT_KEY": f"1:{KEY}"}, "holds one key"),
        ({"AUDIT_KEY_FILE": "/nonexistent/audit-keys"}, "cannot be read"),
    ],
)
def test_a_keyring_that_does_not_hold_is_refused_without_showing_the_key(environ, message):
    with pytest.raises(ImproperlyConfigured) as error:
        _ring(**environ)
    assert message in str(error.value)
    assert KEY not in str(error.value) and "short" not in str(error.value).replace("shorter", "")


def _rotate(*args):
    out = io.StringIO()
    call_command("rotate_audit_key", *args, stdout=out)
    ring = re.search(r"^AUDIT_KEYS=(\S+)$", out.getvalue(), re.MULTILINE).group(1)
    return out.getvalue(), audit_keys.parse(ring, "printed")


@pytest.mark.django_db
def test_a_rotation_keeps_old_records_verifying_and_signs_new_ones_with_the_new_key(settings):
    old = [audit.log(None, "test.before", data={"n": i}) for i in range(3)]
    _output, ring = _rotate()
    assert list(ring) == ["1", "test"]  # the new key first, the old one kept
    assert ring["test"] == TEST_AUDIT_KEYS.split(":", 1)[1]
    settings.AUDIT_KEYS = ring  # what restarting with the printed keyring does
    new = [audit.log(None, "test.after", data={"n": i}) for i in range(2)]

    assert audit.verify().problem is None
    keys = dict(AuditRecord.objects.values_list("seq", "key_id"))
    assert {keys[r.seq] for r in old} == {"test"}
    assert {keys[r.seq] for r in new} == {"1"}
    # The new records need the new key: without it they do not verify.
    settings.AUDIT_KEYS = {"test": ring["test"]}
    assert audit.verify().problem.seq == new[0].seq
    # The old records (and the anchor of the rotation) need the old key: it stays in the ring.
    settings.AUDIT_KEYS = {"1": ring["1"]}
    assert "'test', which is not in the keyring" in audit.verify().problem.reason


@pytest.mark.django_db
def test_a_rotation_is_recorded_in_the_log_with_the_old_key_and_anchored(settings):
    audit.log(None, "test.before")
    output, ring = _rotate()
    record = AuditRecord.objects.get(action="audit.key_rotated")
    assert record.key_id == "test"
    assert record.data == {
        "new_key_id": "1",
        "new_key_fingerprint": audit_keys.fingerprint(ring["1"].encode()),
        "previous_key_id": "test",
    }
    assert ring["1"] not in json.dumps(record.data)
    (line,) = settings.AUDIT_ANCHOR_FILE.read_text().splitlines()
    assert json.loads(line)["seq"] == record.seq
    assert f"audit record #{record.seq}" in output and "Keep every old key" in output


@pytest.mark.django_db
def test_a_second_rotation_keeps_both_old_keys(settings):
    _output, ring = _rotate()
    settings.AUDIT_KEYS = ring
    audit.log(None, "test.between")
    _output, ring = _rotate("--id", "2027")
    assert list(ring) == ["2027", "1", "test"]
    settings.AUDIT_KEYS = ring
    audit.log(None, "test.after")
    assert audit.verify().problem is None


@pytest.mark.django_db
def test_a_rotation_refuses_an_id_already_in_the_keyring():
    with pytest.raises(CommandError):
        call_command("rotate_audit_key", "--id", "test", stdout=io.StringIO())
    assert not AuditRecord.objects.filter(action="audit.key_rotated").exists()
