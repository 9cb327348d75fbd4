# `lab.sh measure`: memory of the lab, summed over every process in the nodes' PID namespaces.
# PSS (proportional set size: shared pages split between their users) is the honest total; RSS overcounts.

lab_measure() {
  local n init ns p pss=0 rss=0 count=0 kb_pss kb_rss
  declare -A lab_ns=()
  for n in $(lab_nodes); do init=$(node_pid "$n"); lab_ns[$(readlink "/proc/$init/ns/pid")]=1; done
  for p in /proc/[0-9]*; do
    ns=$(readlink "$p/ns/pid" 2>/dev/null) || continue
    [[ -n ${lab_ns[$ns]:-} ]] || continue
    kb_pss=$(awk '/^Pss:/{print $2}' "$p/smaps_rollup" 2>/dev/null); kb_rss=$(awk '/^VmRSS:/{print $2}' "$p/status" 2>/dev/null)
    pss=$((pss + ${kb_pss:-0})); rss=$((rss + ${kb_rss:-0})); count=$((count + 1))
  done
  echo "nodes=$(lab_nodes | wc -l)"
  echo "processes=$count"
  echo "pss_mib=$((pss / 1024))"
  echo "rss_mib=$((rss / 1024))"
}
