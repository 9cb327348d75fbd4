#!/usr/bin/env bash
# Recovery wall time at scale: for each size N, one lab of N nodes; per run, break it and time
# `kube-recover recover --yes` from node2's console, then break it again and time manual-runbook.sh (the
# operator's sequential ssh loop) in the same lab. A run counts only if the lab is healthy afterwards by state
# (lab.sh status); otherwise it is a failure, not a time. Prints medians, ratios, peak RSS and the growth with N,
# and the per-phase breakdown of the last kube-recover run of each size (phases.py).
#
#   tests/bench/recover-scale.sh [--sizes "3 10 30"] [--runs 3] [--diagnose] [--cpu-load N]
#
# --diagnose also times `kube-recover diagnose` (read-only, exit 3) on the broken lab right before each recovery.
# --cpu-load N keeps N CPU hogs (stress-ng) running throughout, as on busy nodes during the incident (issue 16).
# Failed runs are counted and printed beside the times (failed/runs): a failure is never a time.
#
# Root; the lab's packages (tests/lab/install.sh) and /usr/bin/time. Not a test: prints figures.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
sizes="3 10 30" runs=3 diagnose=no load=0
while (($#)); do
  case $1 in
    --diagnose) diagnose=yes; shift ;;
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --cpu-load) load=$2; shift 2 ;;
    *) echo "usage: $0 [--sizes \"3 10 30\"] [--runs 3] [--diagnose] [--cpu-load N]" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs: expected a positive number, got '$runs'" >&2; exit 2; }
[[ $load =~ ^[0-9]+$ ]] || { echo "--cpu-load: expected a number of CPU hogs, got '$load'" >&2; exit 2; }
for n in $sizes; do [[ $n =~ ^[0-9]+$ ]] && ((n >= 3)) || { echo "--sizes: expected numbers >= 3, got '$n'" >&2; exit 2; }; done
need_root_and_tools
work=$(bench_workdir)
trap 'cpu_load_stop; lab_down' EXIT
trap 'exit 130' INT TERM
say "results in $work"
cpu_load "$load"
echo "$(machine_line)" > "$work/machine.txt"
echo "== recovery wall time (median of $runs; lab nodes in network namespaces; from node2's console$( ((load)) && echo "; stress-ng --cpu $load throughout"))"
cat "$work/machine.txt"
printf '%6s  %22s  %18s  %7s  %14s  %23s  %s\n' N "kube-recover median (s)" "manual median (s)" ratio "peak RSS (MiB)" "hijacked at start (k/m)" "failed (kube-recover, manual)"

for n in $sizes; do
  lab_for "$n"
  for r in $(seq 1 "$runs"); do
    # kube-recover
    held=$(break_all)
    if [[ $diagnose == yes ]]; then
      out=$work/diagnose-$n-$r
      rc=0; timed "$out" "$KUBE_RECOVER" diagnose -i "$LAB_INVENTORY" || rc=$?
      if ((rc == 3)); then read -r s kb _ < <(time_of "$out"); echo "$n diagnose $s $kb $held" >> "$work/results"; say "N=$n run $r: diagnose $s s, $((kb / 1024)) MiB"
      else echo "$n diagnose FAIL" >> "$work/results"; say "N=$n run $r: diagnose exit $rc, expected 3 (lockout found); log $out.err"; fi
    fi
    out=$work/recover-$n-$r state=$work/state-$n-$r
    say "N=$n run $r: kube-recover recover ($held of $n nodes hold $LAB_ADDR_node1)"
    rc=0; timed "$out" "$KUBE_RECOVER" recover -i "$LAB_INVENTORY" --yes --state-dir "$state" || rc=$?
    if ((rc == 0)) && healthy; then read -r s kb _ < <(time_of "$out"); echo "$n recover $s $kb $held" >> "$work/results"; say "  $s s, $((kb / 1024)) MiB"
    else echo "$n recover FAIL" >> "$work/results"; say "  FAILED (exit $rc; log $out.err)"; fi
    # the manual runbook, same lab
    held=$(break_all)
    out=$work/manual-$n-$r
    say "N=$n run $r: manual-runbook.sh ($held of $n nodes hold $LAB_ADDR_node1)"
    others=(); for node in $LAB_NODES; do [[ $node == node2 ]] && continue; v=LAB_ADDR_$node; others+=("${!v}"); done
    rc=0; timed "$out" bash "$BENCH_HOME/manual-runbook.sh" --ip "$LAB_ADDR_node1" --key "$LAB_SSH_KEY" \
      --known-hosts "$LAB_KNOWN_HOSTS" --wait "$(plan_wait "$state")" "$LAB_ADDR_node2" "${others[@]}" || rc=$?
    if ((rc == 0)) && healthy; then read -r s kb _ < <(time_of "$out"); echo "$n manual $s $kb $held" >> "$work/results"; say "  $s s"
    else echo "$n manual FAIL" >> "$work/results"; say "  FAILED (exit $rc; log $out.err)"; fi
  done
  lab_down
  k=$(awk -v n="$n" '$1==n && $2=="recover" && $3!="FAIL" {print $3}' "$work/results" | median)
  m=$(awk -v n="$n" '$1==n && $2=="manual" && $3!="FAIL" {print $3}' "$work/results" | median)
  rss=$(awk -v n="$n" '$1==n && $2=="recover" && $3!="FAIL" {print $4}' "$work/results" | sort -g | tail -1)
  ratio=$(awk -v k="$k" -v m="$m" 'BEGIN {if (k=="-"||m=="-"||k==0) print "-"; else printf "%.2f", m/k}')
  hk=$(awk -v n="$n" '$1==n && $2=="recover" && $3!="FAIL" {print $5}' "$work/results" | median)
  hm=$(awk -v n="$n" '$1==n && $2=="manual" && $3!="FAIL" {print $5}' "$work/results" | median)
  printf '%6s  %22s  %18s  %7s  %14s  %23s  %s, %s\n' "$n" "$k" "$m" "$ratio" "$([[ -n $rss ]] && echo $((rss / 1024)) || echo -)" "$hk/$hm" \
    "$(failed recover "$n")" "$(failed manual "$n")"
  if [[ $diagnose == yes ]]; then
    printf '%6s  diagnose median %s s, peak RSS %s MiB, failed %s\n' "$n" "$(awk -v n="$n" '$1==n && $2=="diagnose" && $3!="FAIL" {print $3}' "$work/results" | median)" \
      "$(( $(awk -v n="$n" '$1==n && $2=="diagnose" && $3!="FAIL" {print $4}' "$work/results" | sort -g | tail -1 || echo 0) / 1024 ))" "$(failed diagnose "$n")"
  fi
  echo "$n $k $m" >> "$work/medians"
done
echo "(ratio = manual / kube-recover: above 1, kube-recover is faster; peak RSS: the largest process of the run, /usr/bin/time %M;"
echo " hijacked at start: median number of nodes holding node1's address when the timed run began, kube-recover/manual;"
echo " failed: runs that did not end healthy by state (or exited non-zero), of all runs; medians count the others only)"
# Growth: least-squares slope of the medians against N.
awk '$2!="-" && $3!="-" {n++; x+=$1; y+=$2; z+=$3; xx+=$1*$1; xy+=$1*$2; xz+=$1*$3}
  END {if (n < 2) exit; d = n*xx - x*x; if (d == 0) exit;
       printf "growth (least-squares slope over N): kube-recover %+.2f s per extra node, manual %+.2f s per extra node\n", (n*xy - x*y)/d, (n*xz - x*z)/d}' "$work/medians"
echo
for n in $sizes; do
  last=$(ls -d "$work"/state-"$n"-* 2>/dev/null | sort -V | tail -1)
  [[ -n $last ]] && python3 "$BENCH_HOME/phases.py" --label "N=$n" --start "$(cat "${last/state-/recover-}.start")" \
    --end "$(cat "${last/state-/recover-}.end")" --wall "$(time_of "${last/state-/recover-}" | cut -d' ' -f1)" "$last"
done
echo
echo "reproduce: sudo tests/bench/recover-scale.sh --sizes \"$sizes\" --runs $runs$([[ $diagnose == yes ]] && echo " --diagnose")$( ((load)) && echo " --cpu-load $load")   (raw results: $work)"
