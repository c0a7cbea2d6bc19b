#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format), the uploaded files and a
# copy of the audit log's anchors.
#
#   DATABASE_URL=postgres://user@host:5432/cica MEDIA_ROOT=/srv/cica/media scripts/backup.sh [DEST]
#
# Writes DEST/cica-<UTC timestamp>/ (DEST: the argument, else $BACKUP_DIR, else var/backups) with
#   audit-anchors.jsonl  AUDIT_ANCHOR_FILE (default: $VAR_DIR/audit-anchors.jsonl) as it was just
#                   before the dump, so every anchor in it is covered by the dump; empty if absent
#   database.dump   pg_dump -Fc of DATABASE_URL (no owners or grants: restorable into any role)
#   media.tar.gz    every file under MEDIA_ROOT (default: $VAR_DIR/media, else var/media)
#   SHA256SUMS      checksums of the three, checked by scripts/restore.sh
#   INFO            when, from which database (without its password), what versions
# and prints that directory's path as its last line. See docs/BACKUP.md.
set -euo pipefail
umask 077  # a backup holds everything the portal holds: only its owner may read it
ROOT=$(cd "$(dirname "$0")/.." && pwd)

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not PostgreSQL; copy the SQLite file instead" >&2; exit 2 ;;
esac
MEDIA_ROOT=${MEDIA_ROOT:-${VAR_DIR:-$ROOT/var}/media}
AUDIT_ANCHOR_FILE=${AUDIT_ANCHOR_FILE:-${VAR_DIR:-$ROOT/var}/audit-anchors.jsonl}
DEST_ROOT=${1:-${BACKUP_DIR:-$ROOT/var/backups}}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
DIR="$DEST_ROOT/cica-$STAMP"
mkdir -p "$DEST_ROOT"
mkdir "$DIR"  # fails rather than mixing two backups taken in the same second

# The anchors first: the log only grows, so the dump taken after holds every record anchored here.
if [[ -f "$AUDIT_ANCHOR_FILE" ]]; then
  cp "$AUDIT_ANCHOR_FILE" "$DIR/audit-anchors.jsonl"
else
  echo "backup.sh: no audit anchors at $AUDIT_ANCHOR_FILE; saving an empty file" >&2
  : >"$DIR/audit-anchors.jsonl"
fi

pg_dump --format=custom --no-owner --no-privileges --file "$DIR/database.dump" "$DATABASE_URL"
pg_restore --list "$DIR/database.dump" >/dev/null  # the archive is readable

if [[ -d "$MEDIA_ROOT" ]]; then
  tar -C "$MEDIA_ROOT" -czf "$DIR/media.tar.gz" .
else
  echo "backup.sh: no MEDIA_ROOT at $MEDIA_ROOT; saving an empty file set" >&2
  tar -czf "$DIR/media.tar.gz" --files-from /dev/null
fi

(cd "$DIR" && sha256sum audit-anchors.jsonl database.dump media.tar.gz >SHA256SUMS)
{
  echo "taken_at=$STAMP"
  echo "database=$(printf '%s' "$DATABASE_URL" | sed -E 's#://([^:@/]+):[^@]*@#://\1:***@#')"
  echo "media_root=$MEDIA_ROOT"
  echo "media_files=$(tar -tzf "$DIR/media.tar.gz" | grep -vc '/$' || true)"
  echo "audit_anchor_file=$AUDIT_ANCHOR_FILE"
  echo "audit_anchors=$(wc -l <"$DIR/audit-anchors.jsonl")"
  echo "pg_dump=$(pg_dump --version)"
} >"$DIR/INFO"
echo "$DIR"
