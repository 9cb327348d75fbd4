#!/usr/bin/env bash
# Start-up of the x64 single file in three publish variants, measured in the same run: plain (what ships before
# this choice), ReadyToRun, and ReadyToRun plus trimming. Each variant runs `version` and `plan --facts` (the
# planner, the JSON reader and writer, every validator; no node reached) N times; prints size and median wall time.
# Usage: tests/bench/startup.sh [--runs 10]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=10
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N]" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/startup-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
fixtures="$root/tests/release/fixtures"

declare -A props=(
  [plain]=""
  [r2r]="-p:PublishReadyToRun=true"
  [r2r+trim]="-p:PublishReadyToRun=true -p:PublishTrimmed=true"
)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

timed() { # runs "$@" $runs times, prints the median wall time in seconds
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc
  done | median
}

printf '%-10s %10s %12s %14s %s\n' variant "size MiB" "version (s)" "plan --facts (s)" "publish warnings"
for variant in plain r2r r2r+trim; do
  out="$work/$variant"
  # shellcheck disable=SC2086
  log=$(dotnet publish "$root/src/Recovery.Cli" -c Release -r linux-x64 -o "$out" ${props[$variant]} \
    -p:CopyOutputSymbolsToPublishDirectory=false -p:TreatWarningsAsErrors=false --nologo 2>&1) || { echo "$log" >&2; exit 1; }
  warnings=$(grep -cE 'warning (IL|NETSDK)[0-9]+' <<<"$log" || true)
  bin="$out/kube-recover"
  size=$(( $(stat -c %s "$bin") / 1024 / 1024 ))
  version=$(timed "$bin" version)
  plan=$(timed "$bin" plan --facts "$fixtures/lab-seed-diagnosis.json" -i "$fixtures/lab-inventory.yaml" --local node2 --format json)
  printf '%-10s %10s %12s %14s %s\n' "$variant" "$size" "$version" "$plan" "$warnings"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
