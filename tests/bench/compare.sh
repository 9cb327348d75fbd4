#!/usr/bin/env bash
# Before/after figure for a change in src/: two kube-recover builds take turns recovering the same lab (A, B, A,
# B, ...), each run from a fresh break and checked healthy by state. Prints both medians and the per-phase breakdown
# of each build's last run.
#
#   tests/bench/compare.sh --before BINARY --after BINARY [--nodes 3] [--runs 3] [--diagnose]
#
# --diagnose times `kube-recover diagnose -v` instead (read-only, exit 3 = lockout found) on one lab broken once (diagnose
# changes nothing), and prints each build's survey timing line (connecting, facts, Services) from its last run.
#
# Publish the two from two commits as users get them (single file, ReadyToRun), e.g.:
#   git archive COMMIT | tar -x -C /tmp/kr-before && (cd /tmp/kr-before && dotnet publish src/Recovery.Cli -c Release
#   -r linux-x64 -o /tmp/kr-before/out)  ->  /tmp/kr-before/out/kube-recover
set -euo pipefail
source "$(dirname "$0")/lib.sh"
before= after= nodes=3 runs=3 diagnose=no
while (($#)); do
  case $1 in
    --before) before=$2; shift 2 ;;
    --after) after=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --diagnose) diagnose=yes; shift ;;
    *) echo "usage: $0 --before BINARY --after BINARY [--nodes 3] [--runs 3] [--diagnose]" >&2; exit 2 ;;
  esac
done
[[ -x $before && -x $after ]] || { echo "--before and --after: expected two kube-recover executables" >&2; exit 2; }
[[ $nodes =~ ^[0-9]+$ ]] && ((nodes >= 3)) || { echo "--nodes: expected a number >= 3, got '$nodes'" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs: expected a positive number, got '$runs'" >&2; exit 2; }
KUBE_RECOVER=$after need_root_and_tools
work=$(bench_workdir)
trap 'lab_down' EXIT
trap 'exit 130' INT TERM
lab_for "$nodes"
if [[ $diagnose == yes ]]; then
  held=$(break_all)
  say "broken once: $held of $nodes nodes hold $LAB_ADDR_node1; $(machine_line)"
  for r in $(seq 1 "$runs"); do
    for which in before after; do
      bin=$before; [[ $which == after ]] && bin=$after
      out=$work/$which-$r
      rc=0; timed "$out" "$bin" diagnose -v -i "$LAB_INVENTORY" || rc=$?
      if ((rc == 3)); then read -r s _ < <(time_of "$out"); echo "$which $s" >> "$work/results"; say "$which run $r: $s s"
      else echo "$which FAIL" >> "$work/results"; say "$which run $r: exit $rc, expected 3 (lockout found); $out.err"; fi
    done
  done
  machine=$(machine_line)
  lab_down
  echo "== diagnose before/after on a $nodes-node lab broken once ($held holding node1's address; median of $runs each, taking turns)"
  echo "$machine"
  for which in before after; do
    printf '%-7s median %6s s   failures %s   (%s)\n' "$which" "$(awk -v w=$which '$1==w && $2!="FAIL" {print $2}' "$work/results" | median)" \
      "$(grep -c "^$which FAIL" "$work/results" || true)" "$([[ $which == before ]] && echo "$before" || echo "$after")"
    for r in $(seq 1 "$runs"); do printf '        run %s: %s\n' "$r" "$(grep -ho 'survey: .*' "$work/$which-$r.err" | head -1)"; done
  done
  echo "reproduce: sudo tests/bench/compare.sh --before $before --after $after --nodes $nodes --runs $runs --diagnose   (raw: $work)"
  exit 0
fi
for r in $(seq 1 "$runs"); do
  for which in before after; do
    bin=$before; [[ $which == after ]] && bin=$after
    held=$(break_all)
    out=$work/$which-$r
    rc=0; timed "$out" "$bin" recover -i "$LAB_INVENTORY" --yes --state-dir "$work/state-$which-$r" || rc=$?
    if ((rc == 0)) && healthy; then read -r s _ < <(time_of "$out"); echo "$which $s" >> "$work/results"; say "$which run $r: $s s ($held hijacked)"
    else echo "$which FAIL" >> "$work/results"; say "$which run $r: FAILED (exit $rc; $out.err)"; fi
  done
done
machine=$(machine_line)
lab_down
echo "== before/after on a $nodes-node lab (median of $runs each, taking turns)"
echo "$machine"
for which in before after; do
  printf '%-7s median %6s s   failures %s   (%s)\n' "$which" "$(awk -v w=$which '$1==w && $2!="FAIL" {print $2}' "$work/results" | median)" \
    "$(grep -c "^$which FAIL" "$work/results" || true)" "$([[ $which == before ]] && echo "$before" || echo "$after")"
done
for which in before after; do
  python3 "$BENCH_HOME/phases.py" --label "$which, run $runs" --start "$(cat "$work/$which-$runs.start")" --end "$(cat "$work/$which-$runs.end")" \
    --wall "$(time_of "$work/$which-$runs" | cut -d' ' -f1)" "$work/state-$which-$runs" || true
done
echo "reproduce: sudo tests/bench/compare.sh --before $before --after $after --nodes $nodes --runs $runs   (raw: $work)"
