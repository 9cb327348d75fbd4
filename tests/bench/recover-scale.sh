#!/usr/bin/env bash
# Recovery wall time at scale: for each size N, one lab of N nodes; per run, break it and time
# `kube-recover recover --yes` from node2's console, and, each from its own fresh break in the same lab, the two
# peers: manual-runbook.sh --parallel (every other node at once: the strongest naive peer) and manual-runbook.sh (one
# node after the other). The three take turns (odd runs kube-recover first, even runs last). A run counts only if the lab is healthy afterwards by state
# (lab.sh status); otherwise it is a failure, not a time. Prints medians, ratios, peak RSS and the growth with N,
# and the per-phase breakdown of the last kube-recover run of each size (phases.py).
#
#   tests/bench/recover-scale.sh [--sizes "3 10 30"] [--runs 3] [--diagnose] [--cpu-load N] [--sync-period 1s|30s]
#                                [--peers "parallel sequential"]
#
# --diagnose also times `kube-recover diagnose` (read-only, exit 3), RUNS times on one break made after the recoveries
# (diagnose changes nothing), so no contender's run starts on a break the diagnose has aged: right after a break the
# Services lookup waits on etcd's election, which a recovery timed after a diagnose would not pay.
# --cpu-load N keeps N CPU hogs (stress-ng) running throughout, as on busy nodes during the incident (issue 16).
# --sync-period sets kube-proxy's sync period in the lab (default 1s; upstream's default is 30s): the peers then wait
# two periods and the margin, as the runbook says; kube-recover waits for each kube-proxy's own sync signal.
# --peers names the peers timed (default both): "parallel" alone spares the sequential loop's minutes at 100 nodes.
# Failed runs are counted and printed beside the times (failed/runs): a failure is never a time.
#
# Root; the lab's packages (tests/lab/install.sh) and /usr/bin/time. Not a test: prints figures.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
sizes="3 10 30" runs=3 diagnose=no load=0 peers="parallel sequential"
while (($#)); do
  case $1 in
    --diagnose) diagnose=yes; shift ;;
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --cpu-load) load=$2; shift 2 ;;
    --sync-period) export BENCH_SYNC_PERIOD=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    *) echo "usage: $0 [--sizes \"3 10 30\"] [--runs 3] [--diagnose] [--cpu-load N] [--sync-period 1s|30s] [--peers \"parallel sequential\"]" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs: expected a positive number, got '$runs'" >&2; exit 2; }
[[ $load =~ ^[0-9]+$ ]] || { echo "--cpu-load: expected a number of CPU hogs, got '$load'" >&2; exit 2; }
for p in $peers; do [[ $p =~ ^(parallel|sequential)$ ]] || { echo "--peers: expected parallel and/or sequential, got '$p'" >&2; exit 2; }; done
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
printf '%6s  %13s  %15s  %17s  %9s  %9s  %9s  %12s  %s\n' N "kube-recover" "parallel ssh" "sequential ssh" "k ÷ par" "k ÷ seq" "RSS (MiB)" "held k/p/s" "failed (k, p, s)"

# run_one KIND N R: one timed run of KIND (recover, parallel, sequential) from a fresh break; appends
# "N KIND SECONDS RSS_KB HELD" (or "N KIND FAIL") to the results.
wait_s=$BENCH_SYNC_WAIT
run_one() {
  local kind=$1 n=$2 r=$3 held out rc=0 s kb others=() node v
  held=$(break_all)
  out=$work/$kind-$n-$r
  say "N=$n run $r: $kind ($held of $n nodes hold $LAB_ADDR_node1)"
  if [[ $kind == recover ]]; then
    timed "$out" "$KUBE_RECOVER" recover -i "$LAB_INVENTORY" --yes --state-dir "$work/state-$n-$r" || rc=$?
    wait_s=$(plan_wait "$work/state-$n-$r")
  else
    for node in $LAB_NODES; do [[ $node == node2 ]] && continue; v=LAB_ADDR_$node; others+=("${!v}"); done
    timed "$out" bash "$BENCH_HOME/manual-runbook.sh" $([[ $kind == parallel ]] && echo --parallel) --ip "$LAB_ADDR_node1" \
      --key "$LAB_SSH_KEY" --known-hosts "$LAB_KNOWN_HOSTS" --wait "$wait_s" "$LAB_ADDR_node2" "${others[@]}" || rc=$?
  fi
  if ((rc == 0)) && healthy; then read -r s kb _ < <(time_of "$out"); echo "$n $kind $s $kb $held" >> "$work/results"; say "  $s s, $((kb / 1024)) MiB"
  else echo "$n $kind FAIL" >> "$work/results"; say "  FAILED (exit $rc; log $out.err)"; fi
}
col() { awk -v n="$2" -v k="$1" -v c="$3" '$1==n && $2==k && $3!="FAIL" {print $c}' "$work/results"; }
ratio() { awk -v k="$1" -v p="$2" 'BEGIN {if (k=="-"||p=="-"||p==0) print "-"; else printf "%.2f", k/p}'; }

for n in $sizes; do
  lab_for "$n"
  for r in $(seq 1 "$runs"); do
    # Taking turns: odd runs kube-recover first, even runs the peers first, so drift in the machine's load and in
    # the lab's state falls on all three alike.
    if ((r % 2)); then order="recover $peers"; else order="$peers recover"; fi
    for kind in $order; do run_one "$kind" "$n" "$r"; done
  done
  if [[ $diagnose == yes ]]; then
    held=$(break_all)
    for r in $(seq 1 "$runs"); do
      out=$work/diagnose-$n-$r
      rc=0; timed "$out" "$KUBE_RECOVER" diagnose -i "$LAB_INVENTORY" || rc=$?
      if ((rc == 3)); then read -r s kb _ < <(time_of "$out"); echo "$n diagnose $s $kb $held" >> "$work/results"; say "N=$n run $r: diagnose $s s, $((kb / 1024)) MiB"
      else echo "$n diagnose FAIL" >> "$work/results"; say "N=$n run $r: diagnose exit $rc, expected 3 (lockout found); log $out.err"; fi
    done
  fi
  lab_down
  k=$(col recover "$n" 3 | median) p=$(col parallel "$n" 3 | median) q=$(col sequential "$n" 3 | median)
  rss=$(col recover "$n" 4 | sort -g | tail -1)
  printf '%6s  %13s  %15s  %17s  %9s  %9s  %9s  %12s  %s, %s, %s\n' "$n" "$k" "$p" "$q" "$(ratio "$k" "$p")" "$(ratio "$k" "$q")" \
    "$([[ -n $rss ]] && echo $((rss / 1024)) || echo -)" "$(col recover "$n" 5 | median)/$(col parallel "$n" 5 | median)/$(col sequential "$n" 5 | median)" \
    "$(failed recover "$n")" "$(failed parallel "$n")" "$(failed sequential "$n")"
  if [[ $diagnose == yes ]]; then
    printf '%6s  diagnose median %s s, peak RSS %s MiB, failed %s\n' "$n" "$(col diagnose "$n" 3 | median)" \
      "$(( $(col diagnose "$n" 4 | sort -g | tail -1 || echo 0) / 1024 ))" "$(failed diagnose "$n")"
  fi
  echo "$n $k $p $q" >> "$work/medians"
done
echo "(medians in seconds; k ÷ par, k ÷ seq = kube-recover's median over the peer's: above 1, kube-recover is SLOWER;"
echo " par = manual-runbook.sh --parallel, every other node at once; seq = one node after the other;"
echo " RSS: kube-recover's peak, the largest process of the run, /usr/bin/time %M;"
echo " held k/p/s: median number of nodes holding node1's address when each timed run began;"
echo " failed: runs that did not end healthy by state (or exited non-zero), of all runs; medians count the others only)"
# Growth: least-squares slope of the medians against N.
awk '$2!="-" && $3!="-" {n++; x+=$1; k+=$2; p+=$3; xx+=$1*$1; xk+=$1*$2; xp+=$1*$3; if ($4=="-") noq=1; else {q+=$4; xq+=$1*$4}}
  END {if (n < 2) exit; d = n*xx - x*x; if (d == 0) exit;
       printf "growth (least-squares slope over N): kube-recover %+.2f s per extra node, parallel %+.2f", (n*xk - x*k)/d, (n*xp - x*p)/d
       if (noq) print ""; else printf ", sequential %+.2f\n", (n*xq - x*q)/d}' "$work/medians"
echo
for n in $sizes; do
  last=$(ls -d "$work"/state-"$n"-* 2>/dev/null | sort -V | tail -1)
  [[ -n $last ]] && python3 "$BENCH_HOME/phases.py" --label "N=$n" --start "$(cat "${last/state-/recover-}.start")" \
    --end "$(cat "${last/state-/recover-}.end")" --wall "$(time_of "${last/state-/recover-}" | cut -d' ' -f1)" "$last"
done
echo
echo "reproduce: sudo tests/bench/recover-scale.sh --sizes \"$sizes\" --runs $runs$([[ $peers != "parallel sequential" ]] && echo " --peers \"$peers\"")$([[ $diagnose == yes ]] && echo " --diagnose")$( ((load)) && echo " --cpu-load $load")$([[ -n ${BENCH_SYNC_PERIOD:-} ]] && echo " --sync-period $BENCH_SYNC_PERIOD")   (raw results: $work)"
echo "$(machine_line | sed 's/^machine:/machine at the end:/')"
