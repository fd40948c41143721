#!/usr/bin/env bash
# measure.sh — the foundation's performance baselines (docs/performance.md):
#   1. `linli demo` cold start (fresh data dir) and warm start to the first
#      200 from GET /login, polled every 10 ms from exec;
#   2. idle RSS after start, and after logging in and fetching a few pages;
#   3. the building page (/buildings/{id}, 96 households) over 200 sequential
#      GETs, p50/p95, beside GET /healthz as the trivial-handler baseline;
#   4. `linli import` of a generated 5,000-household .xlsx: wall time and peak RSS;
#   5. the building page again, with those 5,000 households in the database.
#
# Run from anywhere in the repository:  bash scripts/measure.sh
# Needs go, curl and GNU time (/usr/bin/time; Debian package "time").
# Everything listens on 127.0.0.1; every loop is bounded; the server is
# stopped and the temporary directory removed on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
[[ -x /usr/bin/time ]] || { echo "measure.sh: /usr/bin/time is missing: apt-get install -y time" >&2; exit 1; }
command -v curl >/dev/null || { echo "measure.sh: curl is missing" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/linli-measure.XXXXXX")
PID=""
cleanup() {
	if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

PASSWORD=Linli-demo-2026
COMMUNITY=运城市/盐湖区/东城街道/学苑社区
REQUESTS=200

now_ns() { date +%s%N; }

# free_port prints a loopback port nobody listens on.
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "measure.sh: no free port found" >&2
	exit 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }

# start_demo DATA_DIR LABEL: starts `linli demo`, polls GET /login every 10 ms
# (at most 3000 times, 30 s) and prints the ms from exec to the first 200.
start_demo() {
	local data=$1 label=$2 t0 code ms
	PORT=$(free_port)
	BASE="http://127.0.0.1:$PORT"
	t0=$(now_ns)
	"$WORK/linli" demo --addr "127.0.0.1:$PORT" --data "$data" --log-level warn >"$WORK/$label.out" 2>"$WORK/$label.err" &
	PID=$!
	for _ in $(seq 1 3000); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$BASE/login" || true)
		if [[ "$code" == 200 ]]; then
			ms=$(( ($(now_ns) - t0) / 1000000 ))
			printf '%-34s %6d ms\n' "$label start → first 200 /login" "$ms"
			return
		fi
		kill -0 "$PID" 2>/dev/null || { echo "measure.sh: linli demo exited:" >&2; cat "$WORK/$label.err" >&2; exit 1; }
		sleep 0.01
	done
	echo "measure.sh: no page after 30 s" >&2
	exit 1
}

stop_demo() {
	kill -TERM "$PID"
	wait "$PID" 2>/dev/null || true
	PID=""
}

# timings URL LABEL: REQUESTS sequential GETs on one keep-alive connection
# (one curl process), printing p50/p95/max of curl's %{time_total}.
timings() {
	local url=$1 label=$2 args=() i
	for ((i = 0; i < REQUESTS; i++)); do args+=(-o /dev/null "$url"); done
	curl -s -b "$WORK/jar" -w '%{http_code} %{time_total}\n' "${args[@]}" >"$WORK/times"
	if grep -qv '^200 ' "$WORK/times"; then
		echo "measure.sh: $label: not every request returned 200:" >&2
		sort "$WORK/times" | cut -d' ' -f1 | uniq -c >&2
		exit 1
	fi
	cut -d' ' -f2 "$WORK/times" | sort -n | awk -v label="$label" '
		{ t[NR] = $1 * 1000 }
		END {
			p50 = t[int(NR * 0.50 + 0.999)]; p95 = t[int(NR * 0.95 + 0.999)]
			printf "%-34s p50 %6.2f ms  p95 %6.2f ms  max %6.2f ms  (n=%d)\n", label, p50, p95, t[NR], NR
		}'
}

login() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' -c "$WORK/jar" --data-urlencode login=xueyuan \
		--data-urlencode "password=$PASSWORD" "$BASE/login")
	[[ "$code" == 303 ]] || { echo "measure.sh: login as xueyuan answered $code" >&2; exit 1; }
}

building_id() {
	curl -s -b "$WORK/jar" "$BASE/api/households?q=602" | grep -o '"building_id":[0-9]*' | head -1 | cut -d: -f2
}

echo "== machine"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  nproc: $(nproc)  $(go version)"
grep -m1 'model name' /proc/cpuinfo | sed 's/^.*: /cpu: /'
free -h | awk '/^Mem:/ {print "memory: " $2 " total, " $7 " available"}'
# Other work on the machine skews every figure: note the load before and after.
echo "load average (1/5/15 min) before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== build"
go build -o "$WORK/linli" ./cmd/linli
go build -o "$WORK/genledger" ./scripts/genledger
echo "binary: $(du -h "$WORK/linli" | cut -f1)"

echo "== start and idle memory (SQLite, demo data: 1号楼 of 荟萃花园南区 has 96 households)"
DATA="$WORK/data"
start_demo "$DATA" cold
sleep 2
echo "idle RSS 2 s after cold start:      $(mib "$(rss_kb "$PID")")"
stop_demo
start_demo "$DATA" warm
sleep 2
echo "idle RSS 2 s after warm start:      $(mib "$(rss_kb "$PID")")"
login
BID=$(building_id)
[[ -n "$BID" ]] || { echo "measure.sh: no building id for room 602" >&2; exit 1; }
for p in / /places /households "/buildings/$BID" /account; do
	curl -s -o /dev/null -b "$WORK/jar" "$BASE$p"
done
sleep 2
echo "RSS after login and 5 pages:        $(mib "$(rss_kb "$PID")")"

echo "== building page (1号楼, id $BID), $REQUESTS sequential GETs on one connection"
timings "$BASE/healthz" "GET /healthz (baseline)"
timings "$BASE/buildings/$BID" "GET /buildings/$BID"
timings "$BASE/healthz" "GET /healthz (baseline, again)"
echo "RSS after the page runs:            $(mib "$(rss_kb "$PID")")  (peak $(mib "$(hwm_kb "$PID")"))"
stop_demo

echo "== import of 5,000 households (server stopped)"
"$WORK/genledger" -o "$WORK/ledger-5000.xlsx" 2>&1
echo "workbook: $(du -h "$WORK/ledger-5000.xlsx" | cut -f1)"
/usr/bin/time -v "$WORK/linli" import --data "$DATA" --community "$COMMUNITY" "$WORK/ledger-5000.xlsx" \
	>"$WORK/import.out" 2>"$WORK/import.err" || { cat "$WORK/import.out" "$WORK/import.err" >&2; exit 1; }
cat "$WORK/import.out"
awk -F': ' '/Elapsed \(wall clock\)/ {print "import wall time:                   " $2}
	/Maximum resident set size/ {printf "import peak RSS:                    %.1f MiB\n", $2 / 1024}' "$WORK/import.err"

echo "== building page with the 5,000 imported households in the database"
start_demo "$DATA" warm+5000
login
timings "$BASE/healthz" "GET /healthz (baseline)"
timings "$BASE/buildings/$BID" "GET /buildings/$BID"
stop_demo
echo "load average (1/5/15 min) after:  $(cut -d' ' -f1-3 /proc/loadavg)"
