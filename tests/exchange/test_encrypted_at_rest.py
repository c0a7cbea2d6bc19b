"""Shares are encrypted at rest: a database row, a dump or a backup alone reveals no content, no
RED title and no document number; the master key, kept outside the database, opens them."""

import base64
import os
import re
import shutil
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from cica_portal import approvals, envelope
from exchange import services
from exchange.models import Share
from tests.exchange import factories
from tests.settings import TEST_SHARE_MASTER_KEYS

pytestmark = pytest.mark.django_db
CHECK = "/api/v1/exchange/documents/check/"
SECRET_TITLE = "Informant Falcon in the northern cell"
SECRET_WORDS = "Falcon"
NUMBER = "N 1234-567"
TEST_RING = envelope.parse(TEST_SHARE_MASTER_KEYS, "test")
NEW_RING = {"2": os.urandom(32), **TEST_RING}


def raw_row(share: Share) -> str:
    """Every column of the share's row as the database holds it, as one string."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM exchange_share WHERE id = %s", [share.pk])
        return " ".join(str(value) for value in cursor.fetchone())


def red_share(author) -> Share:
    return factories.draft(
        author,
        title=SECRET_TITLE,
        content=factories.trafficking_content(route=f"{SECRET_WORDS} meets the courier"),
        handling={"tlp": "RED"},
    )


def stolen_passport(author, approvers) -> Share:
    return factories.released(
        author,
        approvers,
        slug="lost-stolen-document",
        concerned=(),
        recipients=("CN",),
        title="Stolen passport",
        content=factories.document_content(NUMBER),
    )


def test_the_row_holds_no_content_no_red_title_and_no_document_number(fp_kz, approver_kz):
    red = red_share(fp_kz)
    notice = stolen_passport(fp_kz, [approver_kz])
    row = raw_row(red)
    assert SECRET_WORDS not in row
    assert "courier" not in row
    notice_row = raw_row(notice)
    assert "N1234567" not in notice_row
    assert "1234" not in notice_row
    assert Share.objects.get(pk=notice.pk).document_number_normalised.startswith("test:")
    # and the model reads them back with the key
    again = Share.objects.get(pk=red.pk)
    assert again.title == SECRET_TITLE
    assert again.content["route"] == f"{SECRET_WORDS} meets the courier"


def test_a_non_red_title_stays_in_clear_for_the_lists(fp_kz):
    share = factories.draft(fp_kz, title="Heroin route", handling={"tlp": "AMBER"})
    assert "Heroin route" in raw_row(share)


def test_making_a_share_red_takes_its_title_out_of_the_clear_column(fp_kz):
    share = factories.draft(fp_kz, title=SECRET_TITLE, handling={"tlp": "AMBER"})
    services.update_share(share, actor=fp_kz, handling={"tlp": "RED"})
    assert SECRET_WORDS not in raw_row(share)
    assert Share.objects.get(pk=share.pk).title == SECRET_TITLE
    services.update_share(share, actor=fp_kz, handling={"tlp": "GREEN"})
    assert SECRET_TITLE in raw_row(share)


def test_each_share_has_a_data_key_of_its_own(fp_kz):
    first, second = red_share(fp_kz), red_share(fp_kz)
    first, second = Share.objects.get(pk=first.pk), Share.objects.get(pk=second.pk)
    assert envelope.unwrap(first.data_key) != envelope.unwrap(second.data_key)
    assert first.sealed_content != second.sealed_content


def test_the_consent_hash_is_of_the_plaintext(fp_kz):
    share = factories.pending(fp_kz, title=SECRET_TITLE)
    share = Share.objects.get(pk=share.pk)
    expected = approvals.content_hash(services._approval_content(share))
    assert share.approval.content_hash == expected
    assert services._approval_content(share)["title"] == SECRET_TITLE


def test_the_api_detail_reads_the_decrypted_content(fp_kz, api_client):
    share = red_share(fp_kz)
    api_client.force_authenticate(fp_kz)
    body = api_client.get(f"/api/v1/exchange/shares/{share.pk}/").json()
    assert body["title"] == SECRET_TITLE
    assert body["content"]["route"] == f"{SECRET_WORDS} meets the courier"


def test_the_document_check_finds_the_number_by_its_keyed_hash(
    fp_kz, approver_kz, fp_cn, api_client
):
    notice = stolen_passport(fp_kz, [approver_kz])
    api_client.force_authenticate(fp_cn)
    hits = api_client.get(CHECK, {"number": "n1234567"}).json()["hits"]
    assert [hit["share"] for hit in hits] == [notice.pk]


def test_a_wrong_master_key_fails_loudly(fp_kz):
    share = red_share(fp_kz)
    with override_settings(SHARE_MASTER_KEYS={"test": os.urandom(32)}):
        again = Share.objects.get(pk=share.pk)
        with pytest.raises(envelope.EnvelopeError):
            again.content  # noqa: B018


def test_a_missing_master_key_fails_loudly_and_names_it(fp_kz):
    share = red_share(fp_kz)
    with override_settings(SHARE_MASTER_KEYS={"other": os.urandom(32)}):
        again = Share.objects.get(pk=share.pk)
        with pytest.raises(envelope.EnvelopeError, match="'test'"):
            again.title  # noqa: B018


def test_a_changed_ciphertext_fails_loudly(fp_kz):
    share = red_share(fp_kz)
    sealed = bytearray(base64.b64decode(Share.objects.get(pk=share.pk).sealed_content))
    sealed[-1] ^= 1
    Share.objects.filter(pk=share.pk).update(sealed_content=base64.b64encode(sealed).decode())
    with pytest.raises(envelope.EnvelopeError):
        Share.objects.get(pk=share.pk).content  # noqa: B018


def test_rotation_rewraps_every_data_key_and_is_idempotent(fp_kz, approver_kz, fp_cn, capsys):
    red = red_share(fp_kz)
    notice = stolen_passport(fp_kz, [approver_kz])
    with override_settings(SHARE_MASTER_KEYS=NEW_RING):
        # before the command runs, the old key still opens and the check still finds
        assert Share.objects.get(pk=red.pk).title == SECRET_TITLE
        call_command("rotate_share_keys")
        assert "2 data keys re-wrapped, 1 document numbers re-hashed, 0 shares" in (
            capsys.readouterr().out
        )
        call_command("rotate_share_keys")
        assert "0 data keys re-wrapped, 0 document numbers re-hashed, 2 shares" in (
            capsys.readouterr().out
        )
    only_new = {"2": NEW_RING["2"]}
    with override_settings(SHARE_MASTER_KEYS=only_new):
        assert Share.objects.get(pk=red.pk).title == SECRET_TITLE
        assert Share.objects.get(pk=red.pk).data_key.startswith("2:")
        assert Share.objects.get(pk=notice.pk).document_number_normalised.startswith("2:")
        from exchange.selectors import document_hits

        assert list(document_hits(fp_cn, "N1234567")) == [notice]
        # The notice's keys are re-hashed with the share's: exact and possible hits still found.
        from exchange.document_selectors import DocumentQuery, find_documents

        [exact, possible] = find_documents(
            fp_cn, [DocumentQuery("N1234567"), DocumentQuery("NI234S67")]
        )
        assert [n.share_id for n in exact.hits] == [notice.pk]
        assert [n.share_id for n in possible.possible_hits] == [notice.pk]


def test_the_document_check_finds_old_hashes_during_a_rotation(fp_kz, approver_kz, fp_cn):
    notice = stolen_passport(fp_kz, [approver_kz])
    from exchange.selectors import document_hits

    with override_settings(SHARE_MASTER_KEYS=NEW_RING):  # new key first, command not yet run
        assert list(document_hits(fp_cn, "N1234567")) == [notice]
        from exchange.document_selectors import DocumentQuery, find_documents

        [result] = find_documents(fp_cn, [DocumentQuery("N1234567")])
        assert [n.share_id for n in result.hits] == [notice.pk]


def test_the_master_key_is_required_when_debug_is_off():
    with pytest.raises(ImproperlyConfigured, match="SHARE_MASTER_KEYS"):
        envelope.from_environment({}, debug=False, secret_key="x")
    dev = envelope.from_environment({}, debug=True, secret_key="x")
    assert list(dev) == ["dev"]
    assert len(dev["dev"]) == 32


@pytest.mark.parametrize(
    "value",
    ["1:" + base64.urlsafe_b64encode(b"short").decode(), "no-id-here", "1:%%%not-base64%%%"],
)
def test_a_bad_master_key_is_refused_without_showing_it(value):
    with pytest.raises(ImproperlyConfigured) as error:
        envelope.from_environment({"SHARE_MASTER_KEYS": value}, debug=False, secret_key="x")
    assert value.partition(":")[2] not in str(error.value) or ":" not in value


def test_the_master_key_file_is_read(tmp_path):
    path = tmp_path / "keys"
    path.write_text(TEST_SHARE_MASTER_KEYS + "\n")
    ring = envelope.from_environment(
        {"SHARE_MASTER_KEY_FILE": str(path)}, debug=False, secret_key="x"
    )
    assert ring == TEST_RING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pg_dump_holds_no_share_content_and_reads_back_with_the_key(fp_kz):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump reads PostgreSQL")
    pg_dump = shutil.which("pg_dump") or "/usr/bin/pg_dump"
    if not os.path.exists(pg_dump):
        pytest.skip("pg_dump is not installed")
    share = red_share(fp_kz)
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [pg_dump, "--format=plain", "--data-only", "--table=exchange_share"]
    command += ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    command += ["-U", db.get("USER") or "postgres", db["NAME"]]
    dump = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert dump.returncode == 0, dump.stderr
    assert SECRET_WORDS not in dump.stdout
    assert "courier" not in dump.stdout
    stored = Share.objects.get(pk=share.pk)
    assert stored.sealed_content in dump.stdout
    assert stored.data_key in dump.stdout
    # What the dump holds opens with the master key, and only with it.
    wrapped = re.search(re.escape(stored.data_key), dump.stdout).group(0)
    text = envelope.unseal(
        envelope.unwrap(wrapped), stored.sealed_content, context=Share._SEAL_CONTEXT
    )
    assert SECRET_WORDS.encode() in text


def test_the_versions_consent_was_asked_for_are_sealed_too(fp_kz):
    share = services.submit_share(red_share(fp_kz), actor=fp_kz)
    services.update_share(
        share,
        actor=fp_kz,
        content=factories.trafficking_content(route=f"{SECRET_WORDS} changed the route"),
    )
    assert share.versions.count() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM exchange_shareversion WHERE share_id = %s", [share.pk])
        rows = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert SECRET_WORDS not in rows
    assert "courier" not in rows
    opened = [version.content for version in share.versions.all()]
    assert "changed the route" in str(opened[-1])


def test_a_dump_of_the_whole_database_holds_no_share_content(fp_kz):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump reads PostgreSQL")
    pg_dump = shutil.which("pg_dump") or "/usr/bin/pg_dump"
    if not os.path.exists(pg_dump):
        pytest.skip("pg_dump is not installed")
    share = services.submit_share(red_share(fp_kz), actor=fp_kz)
    services.update_share(
        share,
        actor=fp_kz,
        content=factories.trafficking_content(route=f"{SECRET_WORDS} changed the route"),
    )
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [pg_dump, "--format=plain", "--data-only"]
    command += ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    command += ["-U", db.get("USER") or "postgres", db["NAME"]]
    dump = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert dump.returncode == 0, dump.stderr
    assert SECRET_WORDS not in dump.stdout  # no table: shares, versions, audit, notices, ...
    assert "changed the route" not in dump.stdout
