#!/usr/bin/env bash
# Captures, per scenario and per node, the real outputs of the network commands NodeProbe runs, on nodes made of
# network namespaces (names kr-facts-$$-*, removed on exit, also on failure):
#   node1 10.77.0.11, node2 10.77.0.12, node3 10.77.0.13 on one bridge; every node is control plane and etcd and
#   listens on 6443 and 2379 (a python listener: only whether a TCP connect succeeds matters).
# kube-ipvs0 is a bridge left down (no dummy driver on this kernel; same local routes as kube-proxy's dummy).
# Scenarios (which addresses each node's kube-ipvs0 holds besides the ClusterIP 10.96.0.1):
#   seed       node1's address on every node, node1 included (kube-proxy v1.20)
#   newer      node1's address on node2 and node3 only (newer kube-proxy skips a local address)
#   lb-ingress node3's address (a MetalLB ingress IP) on node1 and node2
#   several    node1's and node2's addresses and the protected 10.77.0.250 on every node except each owner
#   owner-only node1's address on node1's kube-ipvs0 only (the others already cleaned, or never bound it)
#   not-ipvs   no kube-ipvs0 at all (iptables mode)
# For each node: ip-j-addr.json, ip-o-addr.txt, route-get.txt (ip route get for .11 .12 .13 .250, in that order),
# table-local.txt, and reach-ADDR-PORT.txt (`timeout 2 bash -c '</dev/tcp/ADDR/PORT'`: first line "exit N", then stderr).
# Also a process table from a PID namespace running kube-proxy and kubelet command lines (ps.txt), and machine-ids.
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
p="kr-facts-$$"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for n in node1 node2 node3 lan; do ip netns del "$p-$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/listen.py" <<'PY'
import socket, sys, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(64)
    while True:
        c, _ = s.accept(); c.close()
for port in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(port),), daemon=True).start()
threading.Event().wait()
PY

setup() {
  ip netns add "$p-lan"
  ip -n "$p-lan" link add br0 type bridge
  ip -n "$p-lan" link set br0 up
  for i in 1 2 3; do
    ns="$p-node$i"
    ip netns add "$ns"
    ip -n "$p-lan" link add "veth$i" type veth peer name eth0 netns "$ns"
    ip -n "$p-lan" link set "veth$i" master br0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 address "02:00:0a:4d:00:1$i"
    ip -n "$ns" addr add "10.77.0.1$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip netns exec "$ns" python3 "$work/listen.py" 6443 2379 &
    pids+=($!)
  done
  sleep 2
}

# bind NODE ADDRESS...: kube-ipvs0 on NODE holding the ClusterIP and the given addresses
bind() {
  local ns="$p-$1"; shift
  ip -n "$ns" link add kube-ipvs0 type bridge
  ip -n "$ns" addr add 10.96.0.1/32 dev kube-ipvs0
  for a in "$@"; do ip -n "$ns" addr add "$a/32" dev kube-ipvs0; done
}

unbind_all() { for i in 1 2 3; do ip -n "$p-node$i" link del kube-ipvs0 2>/dev/null || true; done; }

capture() {
  local scenario="$1"
  for i in 1 2 3; do
    local dir="$out/$scenario/node$i" ns="$p-node$i"
    mkdir -p "$dir"
    ip netns exec "$ns" ip -j addr show > "$dir/ip-j-addr.json"
    ip netns exec "$ns" ip -o addr show > "$dir/ip-o-addr.txt"
    ip netns exec "$ns" bash -c 'ip route get 10.77.0.11; ip route get 10.77.0.12; ip route get 10.77.0.13; ip route get 10.77.0.250' > "$dir/route-get.txt" 2>/dev/null
    ip netns exec "$ns" ip route show table local > "$dir/table-local.txt"
    for a in 10.77.0.11 10.77.0.12 10.77.0.13; do
      for port in 6443 2379; do
        set +e
        err="$(ip netns exec "$ns" timeout 2 bash -c "</dev/tcp/$a/$port" 2>&1 >/dev/null)"
        rc=$?
        set -e
        { echo "exit $rc"; if [ -n "$err" ]; then echo "$err"; fi; } > "$dir/reach-$a-$port.txt"
      done
    done
  done
}

setup
bind node1 10.77.0.11; bind node2 10.77.0.11; bind node3 10.77.0.11
capture seed
unbind_all
bind node2 10.77.0.11; bind node3 10.77.0.11
capture newer
unbind_all
bind node1 10.77.0.13; bind node2 10.77.0.13
capture lb-ingress
unbind_all
bind node1 10.77.0.12 10.77.0.250; bind node2 10.77.0.11 10.77.0.250; bind node3 10.77.0.11 10.77.0.12 10.77.0.250
capture several
unbind_all
bind node1 10.77.0.11; bind node2; bind node3
capture owner-only
unbind_all
capture not-ipvs

# How a failing check looks: a port nothing listens on, and an address no host answers ARP for.
reach_error() {
  set +e
  err="$(ip netns exec "$p-node2" timeout 2 bash -c "</dev/tcp/$1/$2" 2>&1 >/dev/null)"
  rc=$?
  set -e
  { echo "exit $rc"; if [ -n "$err" ]; then echo "$err"; fi; } > "$out/$3"
}
reach_error 10.77.0.13 10999 reach-refused.txt
reach_error 10.77.0.99 6443 reach-no-host.txt

# A process table with kube-proxy and kubelet as a kubeadm node runs them (argv set with exec -a on a pause program).
printf '#include <unistd.h>\nint main(void){pause();return 0;}\n' > "$work/pause.c"
gcc -o "$work/pause" "$work/pause.c"
unshare --pid --fork --mount-proc bash -c "
  (exec -a /usr/local/bin/kube-proxy '$work/pause' --config=/var/lib/kube-proxy/config.conf --hostname-override=node2) &
  (exec -a /usr/bin/kubelet '$work/pause' --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --network-plugin=cni --pod-infra-container-image=k8s.gcr.io/pause:3.2) &
  (exec -a /usr/bin/dockerd '$work/pause' -H fd:// --containerd=/run/containerd/containerd.sock) &
  sleep 0.5; ps -e -o pid= -o args=; kill %1 %2 %3" > "$out/ps-kubeadm-docker.txt"
for i in 1 2 3; do systemd-id128 new > "$out/machine-id-node$i.txt"; done
ip -V > "$out/iproute2-version.txt"
