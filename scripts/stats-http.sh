#!/usr/bin/env bash
# stats-http.sh — the statistics dashboards over HTTP on a database filled by
# `linli-bench stats-generate` (docs/performance.md, "Statistics at city
# scale"): a city administrator's and a community staff member's
# GET /api/stats and GET /stats (this month, the default grouping), in rounds
# that also GET /healthz (the trivial handler) — every round hits each URL
# once, so all of them see the same load. Prints p50/p95 of the rounds.
#
#   bash scripts/stats-http.sh --data DIR [ROUNDS]
#   bash scripts/stats-http.sh --db postgres://… [ROUNDS]
#
# It adds two accounts (statcity, statcommunity) to the database if they are
# missing. Listens on 127.0.0.1 only; the server is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: $0 --data DIR|--db URL [ROUNDS]" >&2; exit 2; }
WHERE=("$1" "$2")
ROUNDS=${3:-50}
PASSWORD=Linli-bench-2026

WORK=$(mktemp -d "${TMPDIR:-/tmp}/linli-stats-http.XXXXXX")
PID=""
cleanup() {
	if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

go build -o "$WORK/linli" ./cmd/linli
L="$WORK/linli"

COMMUNITY=测试市/测试区/第1街道/第1街道第1社区
for u in statcity statcommunity; do
	"$L" user create "${WHERE[@]}" --username "$u" --name "$u" --password "$PASSWORD" >/dev/null 2>&1 || true
done
"$L" user grant "${WHERE[@]}" --username statcity --role admin --place 测试市 >/dev/null 2>&1 || true
"$L" user grant "${WHERE[@]}" --username statcommunity --role community_staff --place "$COMMUNITY" >/dev/null 2>&1 || true

PORT=$((20000 + RANDOM % 20000))
# No second factor for the measuring accounts (the default asks admins for one).
"$L" serve "${WHERE[@]}" --addr "127.0.0.1:$PORT" --totp-required none >"$WORK/serve.log" 2>&1 &
PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 600); do
	curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break
	sleep 0.1
done

login() {
	curl -fsS -o /dev/null -c "$WORK/$1.jar" -H 'Content-Type: application/json' \
		-d "{\"login\":\"$1\",\"password\":\"$PASSWORD\"}" "$URL/api/login"
}
login statcity
login statcommunity

# time_ms JAR PATH: the time of one GET in ms (fails on a non-200).
time_ms() {
	local jar=()
	[[ -n "$1" ]] && jar=(-b "$WORK/$1.jar")
	curl -fsS -o /dev/null "${jar[@]}" -w '%{time_total}\n' "$URL$2" | awk '{printf "%.2f\n", $1 * 1000}'
}

NAMES=("GET /healthz (baseline)" "community staff GET /api/stats" "community staff GET /stats"
	"city admin GET /api/stats" "city admin GET /stats")
JARS=("" statcommunity statcommunity statcity statcity)
PATHS=(/healthz /api/stats /stats "/api/stats?node_id=CITY" "/stats?node_id=CITY")
CITY=$(curl -fsS -b "$WORK/statcity.jar" "$URL/api/stats" | sed -n 's/.*"scope":{"id":\([0-9]*\).*/\1/p')
[[ -n "$CITY" ]] || { echo "stats-http.sh: no city scope for statcity" >&2; exit 1; }
for i in "${!PATHS[@]}"; do PATHS[$i]=${PATHS[$i]/CITY/$CITY}; done

for i in "${!PATHS[@]}"; do time_ms "${JARS[$i]}" "${PATHS[$i]}" >/dev/null; done # warm
for _ in $(seq 1 "$ROUNDS"); do
	for i in "${!PATHS[@]}"; do time_ms "${JARS[$i]}" "${PATHS[$i]}" >>"$WORK/t$i"; done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds"
printf '%-36s %10s %10s\n' request p50 p95
for i in "${!PATHS[@]}"; do
	sort -n "$WORK/t$i" | awk -v name="${NAMES[$i]}" '{v[NR] = $1} END {
		p50 = v[int((NR + 1) * 0.50)]; p95 = v[int(NR * 0.95 + 0.5)]
		printf "%-36s %7.2f ms %7.2f ms\n", name, p50, p95 }'
done
