#!/usr/bin/env bash
# backuptest.sh — back up a serving Linli in the middle of a case-creation
# load, restore the backup into a fresh place, and check that every case
# acknowledged before the backup began is there and whole, and that the
# attachments came along. On the way it checks the restore's refusals: a
# served database is never replaced, an existing one only with --force.
#
#   scripts/backuptest.sh                      SQLite in a temporary data directory
#   scripts/backuptest.sh --db postgres://…    PostgreSQL (pg_dump/pg_restore; the
#                                              restore goes to a new database on the
#                                              same server, dropped at the end)
#
# Needs go and curl; on PostgreSQL also psql, pg_dump and pg_restore. Every
# wait is bounded; everything listens on loopback.
set -euo pipefail

cd "$(dirname "$0")/.."

db=""
concurrency=16
while [ $# -gt 0 ]; do
	case "$1" in
	--db) db="${2:?--db needs a URL}"; shift 2 ;;
	*) echo "usage: $0 [--db postgres://…]" >&2; exit 2 ;;
	esac
done
mode="SQLite"
[ -n "$db" ] && mode="PostgreSQL"

tmp="$(mktemp -d)"
pid=""
loadpid=""
restored_db=""
restored_name=""
cleanup() {
	for p in "$loadpid" "$pid"; do
		if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
	if [ -n "$restored_name" ]; then
		psql "$db" -qX -c "DROP DATABASE IF EXISTS $restored_name WITH (FORCE)" >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf 'backuptest (%s): %s\n' "$mode" "$*"; }
fail() {
	printf 'backuptest (%s): FAIL: %s\n' "$mode" "$*" >&2
	for f in "$tmp"/server-*.log "$tmp/load.log" "$tmp"/*.out; do
		if [ -s "$f" ]; then
			echo "--- $(basename "$f") (last 30 lines) ---" >&2
			tail -n 30 "$f" >&2
		fi
	done
	exit 1
}

. scripts/lib.sh

stop_server() {
	kill -TERM "$pid"
	wait_gone "$pid" 20 || fail "the server did not stop within 20 s of SIGTERM"
	wait "$pid" 2>/dev/null || true
	pid=""
}

# where ARGS: the --data or --db flags of the source (src) or the restored copy (dst).
src=(--data "$tmp/data")
dst=(--data "$tmp/restored")
if [ -n "$db" ]; then
	src=(--db "$db")
	restored_name="linli_restored_$$_$(date +%s)"
	psql "$db" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $restored_name" >/dev/null
	base="${db%%\?*}"
	query=""
	[ "$base" != "$db" ] && query="?${db#*\?}"
	restored_db="${base%/*}/$restored_name$query"
	dst=(--db "$restored_db")
fi

say "build ./cmd/linli and ./cmd/linli-bench (the load tool)"
go build -o "$tmp/linli" ./cmd/linli
go build -o "$tmp/linli-bench" ./cmd/linli-bench

say "start the demo server"
start_server "$tmp/server-1.log" "${src[@]}" --data "$tmp/data"
say "ready at $url"

record="$tmp/created.txt"
: >"$record"
"$tmp/linli-bench" loadtest --url "$url" --mode create --warmup 0s --duration 120s --concurrency "$concurrency" \
	--record "$record" >"$tmp/load.log" 2>&1 &
loadpid=$!
for _ in $(seq 1 300); do
	[ -s "$record" ] && break
	kill -0 "$loadpid" 2>/dev/null || fail "the load stopped before any case was created"
	sleep 0.1
done
[ -s "$record" ] || fail "no 201 within 30 s of starting the load"
sleep 1

# Every line recorded now is a 201 the server sent before the backup began.
cp "$record" "$tmp/before.txt"
before=$(wc -l <"$tmp/before.txt")
say "backup while the load runs ($before cases acknowledged so far)"
"$tmp/linli" backup "${src[@]}" -o "$tmp/backup.bin" >"$tmp/backup.out" 2>&1 || fail "linli backup failed"
sed 's/^/    /' "$tmp/backup.out"
during=$(($(wc -l <"$record") - before))
say "$during more cases acknowledged while the backup ran"

say "a restore over the served database is refused, --force or not"
if "$tmp/linli" restore --from "$tmp/backup.bin" "${src[@]}" --force >"$tmp/refused.out" 2>&1; then
	fail "restore replaced the database of a running server"
fi
grep -Eq 'running Linli|other sessions' "$tmp/refused.out" || fail "the refusal does not say a server is running: $(cat "$tmp/refused.out")"
sed 's/^/    /' "$tmp/refused.out"

kill -TERM "$loadpid" 2>/dev/null || true
wait "$loadpid" 2>/dev/null || true
loadpid=""
stop_server
say "load and server stopped ($(wc -l <"$record") cases acknowledged in all)"

say "restore into a fresh place"
"$tmp/linli" restore --from "$tmp/backup.bin" "${dst[@]}" >"$tmp/restore.out" 2>&1 || fail "linli restore failed"
sed 's/^/    /' "$tmp/restore.out"
if [ -z "$db" ]; then
	# The backup and the restore say what they hold; the same, attachments included.
	b="$(grep -o '[0-9]* cases, [0-9]* attachments' "$tmp/backup.out")"
	r="$(grep -o '[0-9]* cases, [0-9]* attachments' "$tmp/restore.out")"
	[ -n "$b" ] && [ "$b" = "$r" ] || fail "the backup holds '$b' but the restore '$r'"
fi
grep -Eq ' [1-9][0-9]* attachments' "$tmp/restore.out" || fail "no attachments in the restored database"

say "a second restore onto it is refused without --force, done with it"
if "$tmp/linli" restore --from "$tmp/backup.bin" "${dst[@]}" >"$tmp/again.out" 2>&1; then
	fail "restore replaced an existing database without --force"
fi
grep -q -- '--force' "$tmp/again.out" || fail "the refusal does not name --force: $(cat "$tmp/again.out")"
"$tmp/linli" restore --from "$tmp/backup.bin" "${dst[@]}" --force >"$tmp/forced.out" 2>&1 || fail "restore --force failed"
if [ -z "$db" ]; then
	ls "$tmp/restored"/linli.db.before-restore-* >/dev/null 2>&1 || fail "--force did not keep the database it replaced"
fi

say "serve the restored copy and check every case acknowledged before the backup"
start_server "$tmp/server-2.log" "${dst[@]}" --data "$tmp/restored"
verify=(loadtest --verify "$tmp/before.txt" --url "$url" "${dst[@]}")
if ! "$tmp/linli-bench" "${verify[@]}" >"$tmp/verify.log" 2>&1; then
	cat "$tmp/verify.log" >&2
	fail "acknowledged cases missing or half-written in the restored copy"
fi
sed 's/^/    /' "$tmp/verify.log"
stop_server
say "PASS: all $before cases acknowledged before the backup are in the restored copy, whole, with the attachments"
