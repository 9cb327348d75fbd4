# Shared state of one lab run: where it lives, its unique prefix, its nodes, logging.
# Everything the lab creates is findable from $LAB_RUN_DIR/prefix, written before anything else.

LAB_HOME=${LAB_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LAB_RUN_DIR=${LAB_RUN_DIR:-$LAB_HOME/.run/lab}
LAB_KUBECTL=${LAB_KUBECTL:-$LAB_HOME/.tools/kubectl}
LAB_SUBNET=10.77.0          # exists only inside the lab's namespaces
LAB_NODE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'lab: %s\n' "$*" >&2; exit 1; }

lab_prefix() { cat "$LAB_RUN_DIR/prefix" 2>/dev/null; }
node_addr() { echo "$LAB_SUBNET.$((10 + ${1#node}))"; }
node_dir() { echo "$LAB_RUN_DIR/nodes/$1"; }
lab_nodes() { cat "$LAB_RUN_DIR/nodes.list" 2>/dev/null; }
control_plane_nodes() { lab_nodes | head -n 3; }
is_control_plane() { control_plane_nodes | grep -qx "$1"; }
lab_option() { sed -n "s/^$1=//p" "$LAB_RUN_DIR/options" 2>/dev/null; }

# Runs FN NODE ARGS... for each node name on stdin, in parallel; says which failed, and fails then.
# (Call it as a plain command, not after || or &&: bash would then ignore set -e inside FN.)
for_nodes() {
  local fn=$1; shift; local pids=() names=() n i rc=0
  while read -r n; do [[ -n $n ]] && { "$fn" "$n" "$@" & pids+=($!); names+=("$n"); }; done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { log "$fn failed on ${names[$i]}"; rc=1; }; done
  return $rc
}

# Polls a command until it succeeds or the timeout (seconds) passes.
wait_for() {
  local timeout=$1 what=$2; shift 2; local end=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || { log "timed out after ${timeout}s waiting for $what"; return 1; }
    sleep 0.5
  done
}

# Retries a command (an API call while etcd elects a leader, say) until it succeeds or the timeout passes.
retry() {
  local timeout=$1; shift; local end=$((SECONDS + timeout))
  until "$@"; do ((SECONDS < end)) || return 1; sleep 2; done
}
