#!/usr/bin/env bash
# Time to diagnose a broken lab: `kube-recover diagnose` (read-only; exit 3 = lockout found) from node2's console,
# median of --runs, peak RSS. One lab, broken once (diagnose changes nothing, so every run sees the same cluster).
#
#   tests/bench/diagnose-scale.sh [--nodes 30] [--runs 3] [--cpu-load N]
#
# --cpu-load N keeps N CPU hogs (stress-ng) running throughout. Failed runs are counted and printed beside the times.
#
# Root; the lab's packages (tests/lab/install.sh) and /usr/bin/time. Not a test: prints figures.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
nodes=30 runs=3 load=0
while (($#)); do
  case $1 in
    --nodes) nodes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --cpu-load) load=$2; shift 2 ;;
    *) echo "usage: $0 [--nodes 30] [--runs 3] [--cpu-load N]" >&2; exit 2 ;;
  esac
done
[[ $nodes =~ ^[0-9]+$ ]] && ((nodes >= 3)) || { echo "--nodes: expected a number >= 3, got '$nodes'" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs: expected a positive number, got '$runs'" >&2; exit 2; }
[[ $load =~ ^[0-9]+$ ]] || { echo "--cpu-load: expected a number of CPU hogs, got '$load'" >&2; exit 2; }
need_root_and_tools
work=$(bench_workdir)
trap 'cpu_load_stop; lab_down' EXIT
trap 'exit 130' INT TERM
lab_for "$nodes"
cpu_load "$load"
break_all
for r in $(seq 1 "$runs"); do
  out=$work/diagnose-$r
  rc=0; timed "$out" "$KUBE_RECOVER" diagnose -i "$LAB_INVENTORY" || rc=$?
  read -r s kb _ < <(time_of "$out")
  if ((rc == 3)); then echo "$nodes diagnose $s $kb" >> "$work/results"; say "run $r: $s s, $((kb / 1024)) MiB"
  else say "run $r: exit $rc, expected 3 (lockout found); log $out.err"; echo "$nodes diagnose FAIL" >> "$work/results"; fi
done
machine=$(machine_line)
lab_down
echo
echo "== diagnose on a broken $nodes-node lab (median of $runs, from node2's console$( ((load)) && echo "; stress-ng --cpu $load throughout"))"
echo "$machine"
printf '%6s  %18s  %14s  %s\n' N "median (s)" "peak RSS (MiB)" "failed"
printf '%6s  %18s  %14s  %s\n' "$nodes" "$(awk '$3!="FAIL" {print $3}' "$work/results" | median)" \
  "$(( $(awk '$3!="FAIL" {print $4}' "$work/results" | sort -g | tail -1 || echo 0) / 1024 ))" "$(failed diagnose)"
echo "reproduce: sudo tests/bench/diagnose-scale.sh --nodes $nodes --runs $runs$( ((load)) && echo " --cpu-load $load")   (raw results: $work)"
