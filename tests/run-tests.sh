#!/usr/bin/env bash
# Builds everything and runs every test (unit and lab). Lab tests need root (network namespaces); as another
# user they are skipped with a reason. The release single files are built and checked first (tests/release/build.sh,
# counted as one test): the lab tests in tests/Recovery.LabTests/Release recover the lab with those very files.
# Ends with one line `N passed, N failed, N skipped` counted from the TRX files plus that release check.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
if [[ $(id -u) -eq 0 ]]; then bash tests/lab/install.sh; fi
dotnet build Recovery.sln -c Release --nologo -v quiet
status=0
release_passed=0; release_failed=0; release_skipped=0
# The published files (arm64 run under qemu-user, which tests/lab/install.sh installs as root), built afresh so a
# failed build leaves no stale file for the lab tests to pass with.
export KUBE_RECOVER_RELEASE_DIR=${KUBE_RECOVER_RELEASE_DIR:-$root/artifacts/release}
rm -rf "$KUBE_RECOVER_RELEASE_DIR/linux-x64" "$KUBE_RECOVER_RELEASE_DIR/linux-arm64"
if [[ $(id -u) -eq 0 ]] || command -v qemu-aarch64-static >/dev/null; then
  if bash tests/release/build.sh "$KUBE_RECOVER_RELEASE_DIR"; then release_passed=1; else release_failed=1; status=1; fi
else
  echo "release build skipped: qemu-aarch64-static is not installed (run tests/lab/install.sh as root)" >&2; release_skipped=1
fi
# As root the lab must come up: a lab test that cannot run is a failure, not a silent skip.
if [[ $(id -u) -eq 0 ]]; then export KUBE_RECOVER_LAB=required; fi
for project in tests/Recovery.Tests tests/lab/StandIns.Tests tests/Recovery.LabTests; do
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
done
passed=$release_passed; failed=$release_failed; skipped=$release_skipped
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
