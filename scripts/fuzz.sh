#!/usr/bin/env bash
# fuzz.sh — run every fuzz target of Linli for a short time: the decoders
# of outside input (the ledger's .csv and .xlsx, JSON bodies and each
# capability's input types, multipart uploads and the image checks, the
# calendar files, the camera ways in, Open311 forms) and the rule packages
# fuzzed against their invariants. docs/fuzzing.md lists them.
#
#   scripts/fuzz.sh                  every target, FUZZTIME each (default 4s)
#   FUZZTIME=60s scripts/fuzz.sh     longer, for a local session
#   scripts/fuzz.sh Ledger           only the targets whose name matches
#
# go test runs one -fuzz target per package per run, so the targets are run
# one at a time from the list below. The list is checked against the
# `func Fuzz…` declarations in the tests first: a target added without a
# line here, or a line whose target is gone, fails the run.
#
# A target that fails leaves its input in the package's
# testdata/fuzz/<Target>/ directory. Fix the decoder, keep that file (plain
# `go test` then runs it as a regression test) and commit both. Every
# target runs even after a failure; the run fails at the end.
#
# FUZZPARALLEL (default 1) is the number of fuzzing workers per target: the
# machines that run this are shared.
set -euo pipefail

cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-4s}"
parallel="${FUZZPARALLEL:-1}"
only="${1:-}"

# package target
targets="
./attach FuzzCheck
./attach FuzzFromMultipart
./auth FuzzAuthInputs
./calendar FuzzParseLimit
./calendar FuzzParseYear
./cameras FuzzCameraInputs
./cameras FuzzReadIngest
./cameras/feed/frigate FuzzParseEvent
./cameras/feed/gb28181 FuzzDigestAuthorization
./cameras/feed/gb28181 FuzzParseBody
./campaigns FuzzCampaignInputs
./cases FuzzCaseInputs
./consent FuzzAllocate
./csvsafe FuzzUncell
./happiness FuzzHappinessInputs
./mediation FuzzMediationInputs
./meetings FuzzMeetingInputs
./notices FuzzNoticeInputs
./open311 FuzzGeoReportPost
./outbox FuzzGatewayAnswer
./projects FuzzProjectInputs
./registry FuzzRegistryInputs
./registry/ledger FuzzParseCSV
./registry/ledger FuzzParseXLSX
./visits FuzzVisitInputs
./votes FuzzVoteInputs
./web FuzzDecodeJSON
"

listed="$(echo "$targets" | sed '/^$/d' | sort)"
declared="$(grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*\(' . |
	sed -E 's|^(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\($|\1 \2|' | sort)"
if [ "$listed" != "$declared" ]; then
	echo "scripts/fuzz.sh: its list of targets differs from the Fuzz functions in the tests:" >&2
	diff <(echo "$listed") <(echo "$declared") | sed -n 's/^< /  listed here, not declared: /p; s/^> /  declared, not listed here: /p' >&2
	exit 1
fi

# fuzz_one PKG TARGET: fuzz one target for $fuzztime. Go's fuzzer can end
# a time-bounded run with "context deadline exceeded" when the time runs
# out while a worker is mid-input; no failing input is written then, and
# it is not a finding. Such a run is tried once more, and passes if it
# again ends that way without a failing input. Any run that writes a
# failing input, or fails otherwise, fails.
fuzz_one() {
	local out try
	out="$(mktemp)"
	for try in 1 2; do
		if go test -run '^$' -fuzz "^${2}\$" -fuzztime "$fuzztime" -parallel "$parallel" "$1" 2>&1 | tee "$out"; then
			rm -f "$out"
			return 0
		fi
		if grep -q 'Failing input written' "$out" || ! grep -q 'context deadline exceeded' "$out"; then
			rm -f "$out"
			return 1
		fi
		echo "fuzz: $2 ended on the fuzzer's own deadline with no failing input (try $try)"
	done
	rm -f "$out"
	return 0
}

failed=()
n=0
start=$(date +%s)
while read -r pkg target; do
	[ -z "$pkg" ] && continue
	if [ -n "$only" ] && ! [[ "$target" =~ $only ]]; then
		continue
	fi
	n=$((n + 1))
	echo "==> $target ($pkg, $fuzztime)"
	if ! fuzz_one "$pkg" "$target"; then
		failed+=("$pkg $target")
	fi
done <<<"$listed"

echo "fuzzed $n targets in $(($(date +%s) - start)) s"
if [ "${#failed[@]}" -gt 0 ]; then
	echo "FAILED:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	echo "the failing inputs are in each package's testdata/fuzz/<Target>/: fix the decoder and commit them" >&2
	exit 1
fi
