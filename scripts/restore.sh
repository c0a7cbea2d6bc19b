#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media directory.
#
#   DATABASE_URL=postgres://user@host:5432/cica_restored MEDIA_ROOT=/srv/cica/media-restored \
#     scripts/restore.sh var/backups/cica-20260101T020000Z
#
# Checks the checksums, refuses a database that already has tables or a MEDIA_ROOT that already
# has files (restore next to the live copy, check it, then switch; see docs/BACKUP.md), restores
# the database in one transaction (all or nothing), unpacks the files, and verifies the restored
# audit log with the audit keys against the anchors the backup carries: the environment must hold
# what the portal's does (SECRET_KEY, and AUDIT_KEYS, AUDIT_KEY or AUDIT_KEY_FILE; PYTHON names
# the interpreter, default python). Exits 3 if the restored log does not verify: do not switch to
# it. Then run `python manage.py migrate --check` against it.
set -euo pipefail
umask 077
ROOT=$(cd "$(dirname "$0")/.." && pwd)

BACKUP=${1:?usage: scripts/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the (empty) PostgreSQL database to restore into}"
MEDIA_ROOT=${MEDIA_ROOT:-${VAR_DIR:-$ROOT/var}/media}

(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS)

TABLES=$(psql "$DATABASE_URL" -tAc "select count(*) from pg_tables where schemaname = 'public'")
if [[ "$TABLES" != "0" ]]; then
  echo "restore.sh: the target database already has $TABLES table(s); give an empty one" >&2
  exit 2
fi
if [[ -d "$MEDIA_ROOT" && -n "$(ls -A "$MEDIA_ROOT")" ]]; then
  echo "restore.sh: $MEDIA_ROOT is not empty; give an empty directory" >&2
  exit 2
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$BACKUP/database.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$BACKUP/media.tar.gz"
echo "Restored $BACKUP into the database and $MEDIA_ROOT."

ANCHORS="$BACKUP/audit-anchors.jsonl"  # absent from backups older than the anchors: none to check
if ! "${PYTHON:-python}" "$ROOT/manage.py" verify_audit_log --anchor-file "$ANCHORS"; then
  echo "restore.sh: the restored audit log does not verify with these keys and anchors" >&2
  exit 3
fi
