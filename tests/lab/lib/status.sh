# `lab.sh status`: the symptoms per node as facts, one `NODE.KEY=VALUE` line each (sorted by node), e.g.
#   node2.kube_ipvs0=10.77.0.11/32          addresses on kube-ipvs0 (comma separated, "-" when none)
#   node2.route.node1=local                 `ip route get` of node1's address from node2: local|unicast|none
#   node2.ssh.node1=node2                   whose host key answers at node1's address:22 (none|unknown|NODE)
#   node2.ssh_login.node1=ok                ssh by host key (lab known_hosts) to node1's address: ok|fail
#   node2.kubectl=ok                        `kubectl get nodes` with the node's /root/.kube/config: ok|timeout|error
#   node2.etcd.node1=unhealthy              etcdctl endpoint health of each member, from node2
#   node2.kube_proxy=running                kube-proxy process present in the node: running|stopped
#   node2.proxy_mode=ipvs                   http://127.0.0.1:10249/proxyMode: ipvs|iptables|none

# The probes of one node run side by side (each its own file, printed in a fixed order): on a broken lab kubectl and
# the etcd health checks each wait out their timeouts, and tests poll status until a fact settles.
node_status() {
  local node=$1 n d; d=$(mktemp -d)
  { local v; v=$(node_exec "$node" ip -o -4 addr show dev kube-ipvs0 | awk '{print $4}' | paste -sd, -) || v=unknown
    echo "kube_ipvs0=${v:--}"; } > "$d/1" &
  # Every lookup inside one entry into the node (one nsenter per address was 10,000 at 100 nodes).
  { local names=() addrs=() v i; for n in $(lab_nodes); do names+=("$n"); addrs+=("$(node_addr "$n")"); done
    mapfile -t v < <(node_exec "$node" sh -c 'for a; do r=$(ip route get "$a" 2>/dev/null | head -n 1); echo "${r:-none}"; done' sh "${addrs[@]}" |
      awk '{print ($1=="none") ? "none" : ($1=="local") ? "local" : "unicast"}')
    for i in "${!names[@]}"; do echo "route.${names[$i]}=${v[$i]:-none}"; done; } > "$d/2" &
  echo "ssh.node1=$(host_key_owner "$node" "$(node_addr node1)")" > "$d/3" &
  { if lab_ssh "$node" "$(node_addr node1)" true >/dev/null 2>&1; then echo "ssh_login.node1=ok"; else echo "ssh_login.node1=fail"; fi; } > "$d/4" &
  echo "kubectl=$(kubectl_answer "$node")" > "$d/5" &
  etcd_member_health "$node" | sed 's/^/etcd./' > "$d/6" &
  # k3s runs kube-proxy inside its own process (comm "k3s").
  { if node_exec "$node" pgrep -x kube-proxy >/dev/null || { is_k3s && node_exec "$node" pgrep -x k3s >/dev/null; }; then echo "kube_proxy=running"; else echo "kube_proxy=stopped"; fi; } > "$d/7" &
  { local v; v=$(proxy_mode_of "$node"); echo "proxy_mode=${v:-none}"; } > "$d/8" &
  wait
  cat "$d"/[1-8] | sed "s/^/$node./"
  rm -rf "$d"
}

# ok | timeout | error: `kubectl get nodes` with the node's own /root/.kube/config.
kubectl_answer() {
  local out rc=0
  out=$(node_exec "$1" timeout 20 "$LAB_KUBECTL" --request-timeout=8s get nodes 2>&1) || rc=$?
  if ((rc == 0)); then echo ok
  elif ((rc == 124)) || grep -qi -e 'timeout' -e 'deadline exceeded' -e 'i/o timeout' <<<"$out"; then echo timeout
  else echo error; fi
}

lab_status() {
  local tmp batch; tmp=$(mktemp -d)
  # 16 nodes at a time: every node's probes at once (each node's own kubectl, etcdctl, ssh and lookups) overloaded a
  # 100-node lab on 2 cores until kubectl answered nowhere within its 8 s, on a cluster recovered by state.
  while read -r batch; do tr ' ' '\n' <<<"$batch" | for_nodes _status_to "$tmp"; done < <(lab_nodes | xargs -n 16)
  local n; for n in $(lab_nodes); do cat "$tmp/$n"; done
  rm -rf "$tmp"
}
_status_to() { node_status "$1" > "$2/$1"; }
