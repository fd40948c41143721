#!/usr/bin/env bash
# pgbench-cases.sh — case creation on PostgreSQL against the machine's own
# ceiling (issue 14). In one run, on one temporary database:
#
#   1. pgbench of a case-shaped transaction: BEGIN, one insert into a case
#      table, four into an event table, COMMIT (7 round trips), prepared,
#      at --clients clients — what this PostgreSQL and disk allow;
#      and, for comparison, the same transaction with a day-counter upsert
#      first (what every creation did before issue 14);
#   2. `linli demo` on that database and `linli-bench loadtest --mode
#      create` against it, twice: all creations in one community
#      (--communities 1) and spread over --communities N load communities;
#   3. both figures, their ratio, p99 and the targets (≥ 3,000/s,
#      ≥ 0.5 × pgbench, p99 ≤ 50 ms).
#
#   scripts/pgbench-cases.sh [--pg postgres://postgres@127.0.0.1:5432/postgres]
#       [--clients 32] [--seconds 10] [--concurrency 64] [--communities 40]
#
# --pg names a database to connect to for CREATE/DROP DATABASE (the
# temporary database, linli_pgbench_<random>, is dropped at the end).
# Needs go, curl, psql and pgbench. Everything listens on loopback; every
# wait is bounded. The machine may be shared: the script prints the load
# average before and after, and figures are only comparable within a run.
set -euo pipefail

cd "$(dirname "$0")/.."

pg="postgres://postgres@127.0.0.1:5432/postgres"
clients=32
seconds=10
concurrency=64
communities=40
while [ $# -gt 0 ]; do
	case "$1" in
	--pg) pg="${2:?--pg needs a URL}"; shift 2 ;;
	--clients) clients="${2:?}"; shift 2 ;;
	--seconds) seconds="${2:?}"; shift 2 ;;
	--concurrency) concurrency="${2:?}"; shift 2 ;;
	--communities) communities="${2:?}"; shift 2 ;;
	*) echo "usage: $0 [--pg URL] [--clients N] [--seconds N] [--concurrency N] [--communities N]" >&2; exit 2 ;;
	esac
done
case "$pg" in postgres://* | postgresql://*) ;; *) echo "--pg: want a postgres:// URL" >&2; exit 2 ;; esac

tmp="$(mktemp -d)"
dbname="linli_pgbench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
pid=""
made=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		wait_gone "$pid" 20 || kill -KILL "$pid" 2>/dev/null || true
	fi
	if [ -n "$made" ]; then
		psql -q -d "$pg" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf 'pgbench-cases: %s\n' "$*"; }
fail() {
	printf 'pgbench-cases: FAIL: %s\n' "$*" >&2
	for f in "$tmp"/server.log "$tmp"/load-*.log "$tmp"/pgbench-*.log; do
		if [ -s "$f" ]; then
			echo "--- $(basename "$f") (last 20 lines) ---" >&2
			tail -n 20 "$f" >&2
		fi
	done
	exit 1
}
. scripts/lib.sh

# dburl: --pg with the temporary database's name as its path.
dburl="$(printf '%s' "$pg" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\\1/$dbname#")"

say "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
say "build ./cmd/linli and ./cmd/linli-bench"
go build -o "$tmp/linli" ./cmd/linli
go build -o "$tmp/linli-bench" ./cmd/linli-bench

psql -q -d "$pg" -c "CREATE DATABASE $dbname" >/dev/null || fail "cannot create database $dbname through $pg"
made=1
say "temporary database $dbname"

# The case-shaped tables: a case row as wide as Linli's (number unique,
# title, description, place, times) and its timeline steps.
psql -q -d "$dburl" >/dev/null <<'SQL' || fail "cannot create the pgbench tables"
CREATE TABLE bench_cases (id BIGSERIAL PRIMARY KEY, number TEXT NOT NULL UNIQUE, community_id BIGINT NOT NULL,
	path TEXT NOT NULL, category_id BIGINT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
	state TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE INDEX bench_cases_community ON bench_cases (community_id, created_at);
CREATE TABLE bench_events (id BIGSERIAL PRIMARY KEY, case_id BIGINT NOT NULL REFERENCES bench_cases(id), at BIGINT NOT NULL,
	action TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX bench_events_case ON bench_events (case_id, id);
CREATE TABLE bench_counters (community_id BIGINT NOT NULL, day INTEGER NOT NULL, last INTEGER NOT NULL,
	PRIMARY KEY (community_id, day));
SQL

insert_case="INSERT INTO bench_cases (number, community_id, path, category_id, title, description, state, created_at, updated_at)
	VALUES (gen_random_uuid()::text, :community, '/1/2/3/', 1, '压测上报：楼上漏水', '卫生间顶棚渗水，墙皮起泡。', 'reported', :ms, :ms) RETURNING id \\gset"
insert_event="INSERT INTO bench_events (case_id, at, action, note) VALUES (:id, :ms, 'report', '压测上报：楼上漏水');"
{
	echo '\set community random(1, 1)'
	echo '\set ms 1765000000000'
	echo 'BEGIN;'
	echo "$insert_case"
	for _ in 1 2 3 4; do echo "$insert_event"; done
	echo 'END;'
} >"$tmp/case.sql"
{
	echo '\set community random(1, 1)'
	echo '\set ms 1765000000000'
	echo 'BEGIN;'
	echo 'INSERT INTO bench_counters (community_id, day, last) VALUES (:community, 20261206, 1) ON CONFLICT (community_id, day) DO UPDATE SET last = bench_counters.last + 1 RETURNING last;'
	echo "$insert_case"
	for _ in 1 2 3 4; do echo "$insert_event"; done
	echo 'END;'
} >"$tmp/case-counter.sql"

# wal_lsn: the database's current WAL position.
wal_lsn() { psql -qAtX -d "$dburl" -c "SELECT pg_current_wal_lsn()"; }

# wal_per LSN_BEFORE N: WAL bytes written since LSN_BEFORE, per one of N.
wal_per() { psql -qAtX -d "$dburl" -c "SELECT round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$1') / greatest($2, 1))"; }

# pgbench_tps NAME SCRIPT: run pgbench, print its tps; the WAL bytes per
# transaction go to $tmp/wal-NAME.
pgbench_tps() {
	local lsn
	lsn="$(wal_lsn)"
	pgbench -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$2" "$dburl" >"$tmp/pgbench-$1.log" 2>&1 || fail "pgbench $1"
	wal_per "$lsn" "$(grep -E '^number of transactions actually processed' "$tmp/pgbench-$1.log" | awk '{print $NF}')" >"$tmp/wal-$1"
	grep -E '^tps = ' "$tmp/pgbench-$1.log" | head -n1 | awk '{printf "%.0f", $3}'
}
say "pgbench: case-shaped transaction (1 case + 4 events, 7 round trips), $clients clients, ${seconds}s"
ceiling="$(pgbench_tps case "$tmp/case.sql")"
say "  $ceiling tps"
say "pgbench: the same with a day-counter upsert first (one community), as every creation was before issue 14"
counter_first="$(pgbench_tps counter "$tmp/case-counter.sql")"
say "  $counter_first tps"

say "start linli demo on $dbname"
start_server "$tmp/server.log" --data "$tmp/data" --db "$dburl"
say "ready at $url; waiting for its start-up work to finish"
wait_settled "$pid"

# create_run N: loadtest's create phase in N communities; sets rate, p50,
# p99, and wal (WAL bytes per case created, warm-up included).
create_run() {
	local lsn before
	lsn="$(wal_lsn)"
	before="$(psql -qAtX -d "$dburl" -c "SELECT count(*) FROM cases")"
	"$tmp/linli-bench" loadtest --url "$url" --mode create --concurrency "$concurrency" --warmup 2s --duration "${seconds}s" \
		--communities "$1" >"$tmp/load-$1.log" 2>&1 || fail "loadtest --communities $1"
	local row
	row="$(grep -E '^create +POST /api/cases ' "$tmp/load-$1.log" | head -n1)"
	[ -n "$row" ] || fail "no create figures from loadtest --communities $1"
	rate="$(echo "$row" | awk '{print $6}')"
	p50="$(echo "$row" | awk '{print $7}')"
	p99="$(echo "$row" | awk '{print $9}')"
	failures="$(echo "$row" | awk '{print $11}')"
	wal="$(wal_per "$lsn" "$(($(psql -qAtX -d "$dburl" -c "SELECT count(*) FROM cases") - before))")"
	sed 's/^/    /' "$tmp/load-$1.log" | grep -E 'create|failure' || true
}

verdict() { # rate p99
	awk -v r="$1" -v c="$ceiling" -v p="$2" 'BEGIN {
		printf "%.0f/s, %.2f × pgbench, p99 %s ms — ", r, r / c, p
		ok = (r >= 3000 && r >= 0.5 * c && p <= 50)
		print (ok ? "targets met" : "targets NOT met (≥ 3,000/s, ≥ 0.5 × pgbench, p99 ≤ 50 ms)")
	}'
}

say "linli-bench loadtest: creation in one community, $concurrency workers"
create_run 1
one_rate="$rate" one_p50="$p50" one_p99="$p99" one_fail="$failures" one_wal="$wal"
say "linli-bench loadtest: creation spread over $communities communities, $concurrency workers"
create_run "$communities"
many_rate="$rate" many_p50="$p50" many_p99="$p99" many_fail="$failures" many_wal="$wal"

echo
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "pgbench case-shaped (the ceiling):      $ceiling tps ($clients clients), $(cat "$tmp/wal-case") WAL bytes a transaction"
echo "pgbench with a counter upsert first:     $counter_first tps, $(cat "$tmp/wal-counter") WAL bytes a transaction"
echo "linli create in 1 community:             $(verdict "$one_rate" "$one_p99") (p50 $one_p50 ms, failures $one_fail, $one_wal WAL bytes a case)"
echo "linli create over $communities communities: $(verdict "$many_rate" "$many_p99") (p50 $many_p50 ms, failures $many_fail, $many_wal WAL bytes a case)"

kill -TERM "$pid"
wait_gone "$pid" 20 || fail "the server did not stop within 20 s of SIGTERM"
pid=""
