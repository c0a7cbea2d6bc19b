#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the uploaded files.
#
#   DATABASE_URL=postgres://user@host:5432/cica MEDIA_ROOT=/srv/cica/media scripts/backup.sh [DEST]
#
# Writes DEST/cica-<UTC timestamp>/ (DEST: the argument, else $BACKUP_DIR, else var/backups) with
#   database.dump   pg_dump -Fc of DATABASE_URL (no owners or grants: restorable into any role)
#   media.tar.gz    every file under MEDIA_ROOT (default: $VAR_DIR/media, else var/media)
#   SHA256SUMS      checksums of both, checked by scripts/restore.sh
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
DEST_ROOT=${1:-${BACKUP_DIR:-$ROOT/var/backups}}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
DIR="$DEST_ROOT/cica-$STAMP"
mkdir -p "$DEST_ROOT"
mkdir "$DIR"  # fails rather than mixing two backups taken in the same second

pg_dump --format=custom --no-owner --no-privileges --file "$DIR/database.dump" "$DATABASE_URL"
pg_restore --list "$DIR/database.dump" >/dev/null  # the archive is readable

if [[ -d "$MEDIA_ROOT" ]]; then
  tar -C "$MEDIA_ROOT" -czf "$DIR/media.tar.gz" .
else
  echo "backup.sh: no MEDIA_ROOT at $MEDIA_ROOT; saving an empty file set" >&2
  tar -czf "$DIR/media.tar.gz" --files-from /dev/null
fi

(cd "$DIR" && sha256sum database.dump media.tar.gz >SHA256SUMS)
{
  echo "taken_at=$STAMP"
  echo "database=$(printf '%s' "$DATABASE_URL" | sed -E 's#://([^:@/]+):[^@]*@#://\1:***@#')"
  echo "media_root=$MEDIA_ROOT"
  echo "media_files=$(tar -tzf "$DIR/media.tar.gz" | grep -vc '/$' || true)"
  echo "pg_dump=$(pg_dump --version)"
} >"$DIR/INFO"
echo "$DIR"
