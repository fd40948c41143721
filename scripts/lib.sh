# lib.sh — what the scripts that run the real binary share. Source it after
# defining tmp (a temporary directory holding the built binary as
# $tmp/linli) and fail MESSAGE (print and exit).

# start_server LOG ARGS…: start `linli demo --addr 127.0.0.1:0 ARGS…` in
# the background, set pid and url (printed by the server; port 0 lets the
# kernel pick), and wait until /readyz answers: at most 180 s, since the
# demo plays its stories first, slower on PostgreSQL.
url=""
pid=""
start_server() {
	local log="$1"
	shift
	"$tmp/linli" demo --addr 127.0.0.1:0 "$@" >"$log" 2>&1 &
	pid=$!
	url=""
	for _ in $(seq 1 360); do
		kill -0 "$pid" 2>/dev/null || fail "the server exited before it was ready (see $(basename "$log"))"
		if [ -z "$url" ]; then
			url="$(grep -o 'running at http://[0-9.:]*' "$log" | head -n1 | sed 's/^running at //' || true)"
		fi
		if [ -n "$url" ] && curl -fsS --max-time 2 "$url/readyz" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	fail "the server was not ready after 180 s (url: ${url:-none printed})"
}

# wait_settled PID: wait until the server has finished its start-up work
# (the demo indexes and folds what it played for a few seconds after it
# answers /readyz): until it used under 50 ms of CPU in one second, at most
# 30 s. A measurement started earlier counts that work against the load.
wait_settled() {
	local before after i
	before="$(awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0)"
	for i in $(seq 1 30); do
		sleep 1
		after="$(awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0)"
		if [ $((after - before)) -lt 5 ]; then
			return 0
		fi
		before="$after"
	done
}

# wait_gone PID SECONDS: wait for a process of ours to end, at most SECONDS.
wait_gone() {
	local i
	for i in $(seq 1 $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}
