#!/usr/bin/env bash
# Builds everything and runs every test (unit and lab). Lab tests need root (network namespaces); as another
# user they are skipped with a reason. Ends with one line `N passed, N failed, N skipped` counted from the TRX files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
if [[ $(id -u) -eq 0 ]]; then bash tests/lab/install.sh; fi
dotnet build Recovery.sln -c Release --nologo -v quiet
status=0
# As root the lab must come up: a lab test that cannot run is a failure, not a silent skip.
if [[ $(id -u) -eq 0 ]]; then export KUBE_RECOVER_LAB=required; fi
for project in tests/Recovery.Tests tests/lab/StandIns.Tests tests/Recovery.LabTests; do
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
done
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  total=$(get total); executed=$(get executed); skipped=$((skipped + total - executed))
done
[[ $failed -eq 0 ]] || status=1
echo "$passed passed, $failed failed, $skipped skipped" > "$results/summary.txt"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
