#!/usr/bin/env bash
# crashtest.sh — kill the server with SIGKILL in the middle of a case-creation
# load, restart it on the same data, and check that every case that got a 201
# exists and that no case is half-written (case row, timeline and statistics
# agree).
#
#   scripts/crashtest.sh                        SQLite in a temporary data directory
#   scripts/crashtest.sh --db postgres://…      PostgreSQL (an empty or demo database)
#   scripts/crashtest.sh --load-seconds 5 --concurrency 32
#
# How: `linli demo` on 127.0.0.1 (port picked by the kernel); `linli-bench
# loadtest --mode create --record FILE` writes "id number account" for every 201 as it
# arrives; after the first 201 plus --load-seconds the server gets kill -9 and
# the load is told to stop; the server restarts on the same data; `linli-bench
# loadtest --verify FILE` checks each recorded case as its reporter through
# the API and the whole database for cases without timeline or statistics.
#
# Needs go and curl. Every wait is bounded; everything listens on loopback;
# exits non-zero with the reason, and the server logs, on any failure.
set -euo pipefail

cd "$(dirname "$0")/.."

db=""
load_seconds=3
concurrency=32
while [ $# -gt 0 ]; do
	case "$1" in
	--db) db="${2:?--db needs a URL}"; shift 2 ;;
	--load-seconds) load_seconds="${2:?}"; shift 2 ;;
	--concurrency) concurrency="${2:?}"; shift 2 ;;
	*) echo "usage: $0 [--db postgres://…] [--load-seconds N] [--concurrency N]" >&2; exit 2 ;;
	esac
done
mode="SQLite"
[ -n "$db" ] && mode="PostgreSQL"

tmp="$(mktemp -d)"
pid=""
loadpid=""
cleanup() {
	for p in "$loadpid" "$pid"; do
		if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf 'crashtest (%s): %s\n' "$mode" "$*"; }
fail() {
	printf 'crashtest (%s): FAIL: %s\n' "$mode" "$*" >&2
	for f in "$tmp"/server-*.log "$tmp/load.log"; do
		if [ -s "$f" ]; then
			echo "--- $(basename "$f") (last 30 lines) ---" >&2
			tail -n 30 "$f" >&2
		fi
	done
	exit 1
}

. scripts/lib.sh
server_args=(--data "$tmp/data")
[ -n "$db" ] && server_args+=(--db "$db")

say "build ./cmd/linli and ./cmd/linli-bench (the load tool)"
go build -o "$tmp/linli" ./cmd/linli
go build -o "$tmp/linli-bench" ./cmd/linli-bench

say "start the demo server"
start_server "$tmp/server-1.log" "${server_args[@]}"
say "ready at $url"

record="$tmp/created.txt"
: >"$record"
say "creation load: $concurrency workers, every 201 recorded"
# --duration bounds the load if the signal below never comes.
"$tmp/linli-bench" loadtest --url "$url" --mode create --warmup 0s --duration 120s --concurrency "$concurrency" \
	--record "$record" >"$tmp/load.log" 2>&1 &
loadpid=$!

for _ in $(seq 1 300); do # the first 201, at most 30 s
	[ -s "$record" ] && break
	kill -0 "$loadpid" 2>/dev/null || fail "the load stopped before any case was created"
	sleep 0.1
done
[ -s "$record" ] || fail "no 201 within 30 s of starting the load"
sleep "$load_seconds"

kill -0 "$pid" 2>/dev/null || fail "the server died by itself during the load"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
say "SIGKILL sent to the server mid-load"

# The load sees the server gone (no answer); stop it and let it print its
# figures. Answers the server sent before it died may still be read and
# recorded in this moment: they too are 201s of before the kill.
kill -TERM "$loadpid" 2>/dev/null || true
wait_gone "$loadpid" 30 || { kill -KILL "$loadpid" 2>/dev/null || true; fail "the load did not stop within 30 s of SIGTERM"; }
wait "$loadpid" 2>/dev/null || true
loadpid=""
before=$(wc -l <"$record")
grep -E '^create ' "$tmp/load.log" | sed 's/^/    /' || true
say "$before 201s recorded before the kill"

say "restart on the same data"
start_server "$tmp/server-2.log" "${server_args[@]}"
say "ready again at $url"

verify=(loadtest --verify "$record" --url "$url")
if [ -n "$db" ]; then verify+=(--db "$db"); else verify+=(--data "$tmp/data"); fi
if ! "$tmp/linli-bench" "${verify[@]}" >"$tmp/verify.log" 2>&1; then
	cat "$tmp/verify.log" >&2
	fail "acknowledged cases lost or half-written after SIGKILL"
fi
sed 's/^/    /' "$tmp/verify.log"

kill -TERM "$pid"
wait_gone "$pid" 20 || fail "the restarted server did not stop within 20 s of SIGTERM"
pid=""
say "PASS: all $before cases acknowledged before SIGKILL survived the restart whole"
