# Shared by the bench scripts (sourced): the kube-recover binary, one lab per size with its cleanup, timing a
# command inside node2's console, and the health check by state.
BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_HOME/../.." && pwd)
LAB=$ROOT/tests/lab/lab.sh
# The file users run: self-contained single file, ReadyToRun and trimmed (src/Recovery.Cli's publish settings), not the
# JIT build of `dotnet build`, which spends a CPU-second more at every start (diagnose at N=3: 2.11 s against 1.74 s).
BENCH_PUBLISHED=$ROOT/artifacts/bench/linux-x64/kube-recover
KUBE_RECOVER=${KUBE_RECOVER:-$BENCH_PUBLISHED}
# What the runbook waits before its final check: two kube-proxy sync periods and Planner.SyncMargin (3 s with the
# lab's 1 s period), read from the plan of the kube-recover run before: its blind wait, or the fallback of its sync
# checks (kube-recover itself waits for each kube-proxy's own sync signal, which a runbook does not read).
BENCH_SYNC_WAIT=${BENCH_SYNC_WAIT:-3}
# plan_wait STATE_DIR: those seconds from the plan (BENCH_SYNC_WAIT when absent).
plan_wait() {
  python3 - "$1/plan.json" "$BENCH_SYNC_WAIT" <<'PY' 2>/dev/null || echo "$BENCH_SYNC_WAIT"
import json, sys
plan = json.load(open(sys.argv[1]))
for phase in plan["phases"]:
    for step in phase["steps"]:
        if step["action"]["kind"] == "wait":
            h, m, s = step["action"]["duration"].split(":")
            print(int(h) * 3600 + int(m) * 60 + float(s)); sys.exit(0)
        command = ((step.get("verify") or {}).get("probe") or {}).get("command") or {}
        if command.get("type") == "kubeProxySynced":
            print(command["fallbackSeconds"]); sys.exit(0)
print(sys.argv[2])
PY
}

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

need_root_and_tools() {
  [[ $EUID == 0 ]] || { echo "bench: must run as root (the lab needs namespaces)" >&2; exit 2; }
  [[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time missing (Debian package 'time')" >&2; exit 2; }
  if [[ $KUBE_RECOVER == "$BENCH_PUBLISHED" ]] && [[ ! -x $KUBE_RECOVER || -n $(find "$ROOT/src" -name '*.cs*' -newer "$KUBE_RECOVER" -print -quit) ]]; then
    say "publishing kube-recover for linux-x64 (single file, ReadyToRun, trimmed: about a minute)"
    dotnet publish "$ROOT/src/Recovery.Cli" -c Release -r linux-x64 -o "$(dirname "$BENCH_PUBLISHED")" \
      -p:CopyOutputSymbolsToPublishDirectory=false --nologo -v quiet >&2
  fi
  [[ -x $KUBE_RECOVER ]] || { echo "bench: $KUBE_RECOVER is not an executable" >&2; exit 2; }
}

# One scratch folder per script run, under /tmp (every lab node sees /tmp).
bench_workdir() { BENCH_WORK=$(mktemp -d /tmp/bench-run.XXXXXX); echo "$BENCH_WORK"; }

# lab_for N: brings up an N-node lab in its own LAB_RUN_DIR (exported) and loads its env. BENCH_SYNC_PERIOD (e.g.
# 30s, upstream's default) sets kube-proxy's sync period; the lab's own default is 1s.
lab_for() {
  export LAB_RUN_DIR=/tmp/bench-lab-$1-$$
  say "lab up --nodes $1 --sync-period ${BENCH_SYNC_PERIOD:-1s} (LAB_RUN_DIR=$LAB_RUN_DIR)"
  "$LAB" up --nodes "$1" --sync-period "${BENCH_SYNC_PERIOD:-1s}" >&2
  eval "$("$LAB" env)"
}
lab_down() {
  [[ -n ${LAB_RUN_DIR:-} && -e ${LAB_RUN_DIR:-/nonexistent} ]] || return 0
  say "lab down (LAB_RUN_DIR=$LAB_RUN_DIR)"
  "$LAB" down >&2 || true
}

# break_all: the lockout, then up to 15 s for every node but node1 to hold node1's address on kube-ipvs0 (the lab's
# `break` returns at the first hijacked node). node1 is not waited for, and not every node gets there: the lockout
# makes node1's API server time out (its etcd member is cut off and keeps calling elections), so a kube-proxy that
# has not synced the Service by then never binds the address. Prints how many nodes hold it: the run's starting state.
break_all() {
  "$LAB" break >&2
  local n held end=$((SECONDS + 15))
  while :; do
    held=0
    for n in $LAB_NODES; do
      "$LAB" console "$n" -- ip -o -4 addr show dev kube-ipvs0 | grep -qwF "$LAB_ADDR_node1/32" && held=$((held + 1))
    done
    ((held >= $(wc -w <<<"$LAB_NODES") - 1 || SECONDS >= end)) && break
    sleep 1
  done
  echo "$held"
}

# healthy: the lab by state after a recovery: node1's address on no kube-ipvs0, every route unicast, kubectl ok and
# kube-proxy running on every node. Prints what is wrong and fails otherwise.
healthy() {
  local status bad
  status=$("$LAB" status)
  # A node's route to its own address is local by nature: only routes to other nodes count.
  bad=$(awk -F'[.=]' -v addr="$LAB_ADDR_node1/32" '
    $2 == "kube_ipvs0" && ("," substr($0, index($0, "=") + 1) ",") ~ ("," addr ",") {print; next}
    $2 == "route" && $3 != $1 && $NF != "unicast" {print; next}
    $2 == "kubectl" && $NF != "ok" {print; next}
    $2 == "kube_proxy" && $NF != "running" {print}' <<<"$status")
  [[ -z $bad ]] && return 0
  say "not healthy: $(head -5 <<<"$bad" | paste -sd' ')"
  return 1
}

# timed OUT_PREFIX CMD...: runs CMD in node2's console under /usr/bin/time; writes OUT_PREFIX.{out,err,time,start}.
# OUT_PREFIX.time holds "ELAPSED_SECONDS MAX_RSS_KB EXIT"; .start and .end the epoch seconds around the console
# call. Returns CMD's exit code.
timed() {
  local out=$1; shift
  date +%s.%N > "$out.start"
  local rc=0
  "$LAB" console node2 -- /usr/bin/time -f '%e %M %x' -o "$out.time" "$@" > "$out.out" 2> "$out.err" || rc=$?
  date +%s.%N > "$out.end"
  return $rc
}

# cpu_load N: N CPU hogs (Debian stress-ng) until the script ends, as on nodes in the middle of the incident
# (kubelets and controllers retrying); cpu_load_stop ends them (the scripts' EXIT trap). N=0: no load.
cpu_load() {
  (($1 > 0)) || return 0
  command -v stress-ng >/dev/null || { echo "bench: --cpu-load needs stress-ng (Debian package 'stress-ng')" >&2; exit 2; }
  stress-ng --cpu "$1" --quiet & BENCH_LOAD_PID=$!
  say "CPU load: stress-ng --cpu $1 (pid $BENCH_LOAD_PID)"
}
cpu_load_stop() {
  [[ -n ${BENCH_LOAD_PID:-} ]] || return 0
  kill "$BENCH_LOAD_PID" 2>/dev/null || true
  wait "$BENCH_LOAD_PID" 2>/dev/null || true
  BENCH_LOAD_PID=
}

# failed KIND [N]: how many runs of KIND (recover, manual, diagnose, ...) failed, of how many: "F/R".
failed() { awk -v n="${2:-}" -v k="$1" '(n=="" || $1==n) && $2==k {r++; if ($3=="FAIL") f++} END {printf "%d/%d\n", f, r}' "$work/results"; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
machine_line() { echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M) UTC (shared: figures scale with load)"; }
# time_of OUT_PREFIX: "ELAPSED MAX_RSS_KB EXIT" of a timed run (GNU time puts "Command exited with non-zero
# status N" on a line of its own first when the exit is not 0).
time_of() { tail -n 1 "$1.time"; }
