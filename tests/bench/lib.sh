# Shared by the bench scripts (sourced): the kube-recover binary, one lab per size with its cleanup, timing a
# command inside node2's console, and the health check by state.
BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_HOME/../.." && pwd)
LAB=$ROOT/tests/lab/lab.sh
KUBE_RECOVER=${KUBE_RECOVER:-$ROOT/src/Recovery.Cli/bin/Release/net10.0/kube-recover}
# What kube-recover waits before its final verify: two kube-proxy sync periods (the lab's is 1 s) and
# Planner.SyncMargin (10 s). The manual baseline waits the same.
BENCH_SYNC_WAIT=${BENCH_SYNC_WAIT:-12}

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

need_root_and_tools() {
  [[ $EUID == 0 ]] || { echo "bench: must run as root (the lab needs namespaces)" >&2; exit 2; }
  [[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time missing (Debian package 'time')" >&2; exit 2; }
  if [[ ! -x $KUBE_RECOVER ]]; then
    say "building kube-recover (Release)"
    dotnet build "$ROOT/src/Recovery.Cli" -c Release -nologo -v q >&2
  fi
}

# One scratch folder per script run, under /tmp (every lab node sees /tmp).
bench_workdir() { BENCH_WORK=$(mktemp -d /tmp/bench-run.XXXXXX); echo "$BENCH_WORK"; }

# lab_for N: brings up an N-node lab in its own LAB_RUN_DIR (exported) and loads its env.
lab_for() {
  export LAB_RUN_DIR=/tmp/bench-lab-$1-$$
  say "lab up --nodes $1 (LAB_RUN_DIR=$LAB_RUN_DIR)"
  "$LAB" up --nodes "$1" >&2
  eval "$("$LAB" env)"
}
lab_down() {
  [[ -n ${LAB_RUN_DIR:-} && -e ${LAB_RUN_DIR:-/nonexistent} ]] || return 0
  say "lab down (LAB_RUN_DIR=$LAB_RUN_DIR)"
  "$LAB" down >&2 || true
}

# break_all: the lockout, then wait until every node but node1 holds node1's address on kube-ipvs0 (the lab's
# `break` returns at the first hijacked node), so every timed run starts from the same state. node1, the owner, is
# not waited for: cut off from the others, its own kube-proxy often cannot list Services to bind it.
break_all() {
  "$LAB" break >&2
  local n end=$((SECONDS + 120))
  for n in $LAB_NODES; do
    [[ $n == node1 ]] && continue
    until "$LAB" console "$n" -- ip -o -4 addr show dev kube-ipvs0 | grep -qwF "$LAB_ADDR_node1/32"; do
      ((SECONDS < end)) || { say "break: $n never bound $LAB_ADDR_node1"; return 1; }
      sleep 0.5
    done
  done
}

# healthy: the lab by state after a recovery: node1's address on no kube-ipvs0, every route unicast, kubectl ok
# on every node. Prints what is wrong and fails otherwise.
healthy() {
  local status bad
  status=$("$LAB" status)
  bad=$(grep -E "\.kube_ipvs0=.*\b${LAB_ADDR_node1//./\\.}/32|\.route\.[a-z0-9]+=(local|none)|\.kubectl=(timeout|error)" <<<"$status" || true)
  [[ -z $bad ]] && return 0
  say "not healthy: $(head -5 <<<"$bad" | paste -sd' ')"
  return 1
}

# timed OUT_PREFIX CMD...: runs CMD in node2's console under /usr/bin/time; writes OUT_PREFIX.{out,err,time,start}.
# OUT_PREFIX.time holds "ELAPSED_SECONDS MAX_RSS_KB EXIT". Returns CMD's exit code.
timed() {
  local out=$1; shift
  date +%s.%N > "$out.start"
  local rc=0
  "$LAB" console node2 -- /usr/bin/time -f '%e %M %x' -o "$out.time" "$@" > "$out.out" 2> "$out.err" || rc=$?
  return $rc
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
machine_line() { echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M) UTC (shared: figures scale with load)"; }
