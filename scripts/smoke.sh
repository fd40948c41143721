#!/usr/bin/env bash
# smoke.sh — start the real binary with the demo data, as the README tells
# people to, and check that it serves, logs in, shows a building and shuts
# down cleanly on SIGTERM.
#
#   scripts/smoke.sh                        SQLite in a temporary data directory
#   scripts/smoke.sh --db postgres://…      PostgreSQL (an empty or demo database)
#
# Needs go and curl. Exits non-zero on the first failure and prints the
# server's log.
set -euo pipefail

cd "$(dirname "$0")/.."

db=""
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
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf 'smoke (%s): %s\n' "$mode" "$*"; }
fail() {
	printf 'smoke (%s): FAIL: %s\n' "$mode" "$*" >&2
	if [ -s "$tmp/server.log" ]; then
		echo "--- server output (last 40 lines) ---" >&2
		tail -n 40 "$tmp/server.log" >&2
	fi
	exit 1
}

say "build ./cmd/linli"
go build -o "$tmp/linli" ./cmd/linli

# Port 0 lets the kernel pick a free port; the server prints its URL.
args=(demo --addr 127.0.0.1:0 --data "$tmp/data")
[ -n "$db" ] && args+=(--db "$db")
say "start: linli ${args[*]//$db/\$DB}"
"$tmp/linli" "${args[@]}" >"$tmp/server.log" 2>&1 &
pid=$!

say "wait for /readyz (at most 180 s: the demo plays three stories first, slower on PostgreSQL)"
url=""
ready=""
for _ in $(seq 1 360); do
	kill -0 "$pid" 2>/dev/null || fail "the server exited before it was ready"
	if [ -z "$url" ]; then
		url="$(grep -o 'running at http://[0-9.:]*' "$tmp/server.log" | head -n1 | sed 's/^running at //' || true)"
	fi
	if [ -n "$url" ] && curl -fsS --max-time 2 "$url/readyz" >"$tmp/ready.json" 2>/dev/null; then
		ready=1
		break
	fi
	sleep 0.5
done
[ -n "$ready" ] || fail "not ready after 180 s (url: ${url:-none printed})"
say "ready at $url: $(cat "$tmp/ready.json")"

jar="$tmp/cookies"
curl_() { curl -sS --max-time 10 -b "$jar" -c "$jar" "$@"; }

say "log in as xueyuan through the login form"
out="$(curl_ -o /dev/null -w '%{http_code} %{redirect_url}' \
	--data-urlencode login=xueyuan --data-urlencode password=Linli-demo-2026 "$url/login")"
[ "$out" = "303 $url/" ] || fail "POST /login answered '$out', want '303 $url/'"

# node_id PARENT NAME prints the id of the child place NAME of PARENT (0 for
# the places the account starts at). Node objects are flat, so splitting
# the JSON at braces leaves one node per line.
node_id() {
	local body id
	body="$(curl_ -f "$url/api/nodes?parent_id=$1")" || fail "GET /api/nodes?parent_id=$1"
	id="$(printf '%s' "$body" | tr '{}' '\n\n' | grep -F "\"name\":\"$2\"" | grep -o '"id":[0-9]*' | head -n1 | cut -d: -f2 || true)"
	[ -n "$id" ] || fail "no place named $2 under $1: $body"
	echo "$id"
}
community="$(node_id 0 学苑社区)"
grid="$(node_id "$community" 第一网格)"
estate="$(node_id "$grid" 荟萃花园南区)"
building="$(node_id "$estate" 1号楼)"

say "building view of 荟萃花园南区 1号楼 (/buildings/$building)"
curl_ -f -o "$tmp/building.html" "$url/buildings/$building" || fail "GET /buildings/$building"
units="$(grep -o 'data-test="unit"' "$tmp/building.html" | wc -l | tr -d ' ')"
households="$(grep -o 'data-test="household"' "$tmp/building.html" | wc -l | tr -d ' ')"
[ "$units" = 8 ] || fail "building view shows $units units, want 8"
[ "$households" = 96 ] || fail "building view shows $households households, want 96"
say "building view: $units units, $households households"

say "the demo's SMS reach the demo gateway (郇阳社区's notices, as xunyang sees /api/outbox)"
jar2="$tmp/jar2"
out="$(curl -sS --max-time 10 -b "$jar2" -c "$jar2" -o /dev/null -w '%{http_code}' \
	--data-urlencode login=xunyang --data-urlencode password=Linli-demo-2026 "$url/login")"
[ "$out" = 303 ] || fail "POST /login as xunyang answered $out"
sent=""
for _ in $(seq 1 60); do
	body="$(curl -sS --max-time 10 -b "$jar2" "$url/api/outbox?status=sent&channel=sms&limit=1")" || fail "GET /api/outbox"
	case "$body" in *'"items":[{'*) sent=yes; break ;; esac
	sleep 1
done
[ -n "$sent" ] || fail "no SMS sent within 60 s: $body"
say "SMS delivered to the demo gateway"

say "SIGTERM; the server must exit 0 within 20 s"
kill -TERM "$pid"
for _ in $(seq 1 40); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.5
done
if kill -0 "$pid" 2>/dev/null; then
	fail "still running 20 s after SIGTERM"
fi
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" = 0 ] || fail "exited with status $rc after SIGTERM, want 0"
say "OK"
