# Namespaces: one "switch" network namespace holding the bridge, and per node one init process that is
# PID 1 of new PID, mount, UTS and network namespaces. Nothing lives in the host's network namespace,
# and killing a node's init takes every process of that node with it (the kernel kills a PID namespace
# with its init); its mounts die with its mount namespace.

switch_pid() { cat "$LAB_RUN_DIR/pids/switch" 2>/dev/null; }
node_pid() { cat "$LAB_RUN_DIR/pids/$1" 2>/dev/null; }
pid_alive() { [[ -n $1 && -d /proc/$1 ]]; }

# The init of the namespaces `unshare --fork` made below PID: the first descendant whose NSTYPE namespace
# differs from ours (setsid may or may not fork, depending on the caller's process group).
ns_init_below() {
  local top=$1 type=$2 mine p c queue; mine=$(readlink "/proc/self/ns/$type")
  for _ in $(seq 200); do
    queue=("$top")
    while ((${#queue[@]})); do
      p=${queue[0]}; queue=("${queue[@]:1}")
      if [[ $p != "$top" && $(readlink "/proc/$p/ns/$type" 2>/dev/null) != "$mine" && -e /proc/$p/ns/$type ]]; then
        # unshare itself stays in our namespaces; its forked child is the init.
        echo "$p"; return 0
      fi
      for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do queue+=("$c"); done
    done
    sleep 0.05
  done
  return 1
}

start_switch() {
  local prefix; prefix=$(lab_prefix)
  setsid unshare --net --fork --kill-child -- bash -c 'exec -a "lab-switch $0" sleep infinity' "$prefix" \
    </dev/null >/dev/null 2>&1 &
  local init; init=$(ns_init_below $! net) || die "switch namespace did not start"
  echo "$init" > "$LAB_RUN_DIR/pids/switch"
  nsenter -t "$init" -n sh -c 'ip link set lo up && ip link add br0 type bridge && ip link set br0 up'
}

start_node_init() {
  local node=$1 prefix; prefix=$(lab_prefix)
  setsid unshare --pid --fork --kill-child --mount-proc --uts --mount --propagation private --net -- \
    bash "$LAB_HOME/lib/node-init.sh" "$prefix" "$node" "$LAB_RUN_DIR" \
    </dev/null >>"$(node_dir "$node")/init.log" 2>&1 &
  local init; init=$(ns_init_below $! pid) || die "$node: init did not start"
  echo "$init" > "$LAB_RUN_DIR/pids/$node"
  wait_for 20 "$node init" test -e "$(node_dir "$node")/run/lab-init-ready" || die "$node: init not ready (see $(node_dir "$node")/init.log)"
}

# A veth from the switch's bridge to eth0 in the node, the node address, and kube-ipvs0 (a bridge left down:
# no dummy driver here; a /32 on it gives the same local route IPVS mode's dummy gives).
# arp_ignore=1/arp_announce=2 are what kube-proxy sets with ipvs.strictARP: true: a node answers ARP only for
# addresses on the asking interface, so the hijack acts through local routing alone (as in the seed), and no
# neighbour cache is left poisoned after a recovery, which would make the lab's timing erratic.
wire_node() {
  local node=$1 sw init addr; sw=$(switch_pid); init=$(node_pid "$node"); addr=$(node_addr "$node")
  nsenter -t "$sw" -n sh -c "ip link add v$node type veth peer name eth0 netns $init && ip link set v$node master br0 up"
  # --ipv6 off: no IPv6 at all inside the node (no link-local address either), for the case where nothing
  # reaches around the hijack. Set before eth0 comes up, so no fe80:: address is ever assigned.
  local v6=0; [[ $(lab_option ipv6) == off ]] && v6=1
  nsenter -t "$init" -n sh -c "sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 &&
    sysctl -qw net.ipv6.conf.all.disable_ipv6=$v6 net.ipv6.conf.default.disable_ipv6=$v6 net.ipv6.conf.eth0.disable_ipv6=$v6 &&
    ip link set lo up && ip addr add $addr/24 dev eth0 && ip link set eth0 up &&
    ip link add kube-ipvs0 type bridge && ip link set kube-ipvs0 down"
}

# Runs a command as root inside a node: all its namespaces, its PATH (lab sbin first), the caller's cwd.
node_exec() {
  local node=$1; shift; local init; init=$(node_pid "$node")
  pid_alive "$init" || die "$node is not running (lab up?)"
  nsenter -t "$init" -m -u -n -p -i --wd="$PWD" -- env PATH="$LAB_NODE_PATH:$PATH" HOSTNAME="$node" "$@"
}
