#!/usr/bin/env bash
# Captures real iproute2 outputs of the IPVS externalIP hijack into this folder.
# Three nodes, each its own network namespace, joined by a bridge in a fourth namespace:
#   node1 10.77.0.11, node2 10.77.0.12, node3 10.77.0.13 (eth0, /24), LAN 10.77.0.0/24.
# kube-ipvs0 is a bridge left down (no dummy driver here; same local routes), holding like kube-proxy v1.20:
#   the ClusterIP 10.96.0.1/32 and node1's address 10.77.0.11/32 (an externalIP equal to node1's own address),
#   on every node, node1 included. Run as root; everything lives in namespaces named kr-facts-$$-*.
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
p="kr-facts-$$"
cleanup() { for n in node1 node2 node3 lan; do ip netns del "$p-$n" 2>/dev/null || true; done; }
trap cleanup EXIT
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
  ip -n "$ns" link add kube-ipvs0 type bridge
  ip -n "$ns" addr add 10.96.0.1/32 dev kube-ipvs0
  ip -n "$ns" addr add 10.77.0.11/32 dev kube-ipvs0
done
sleep 2 # let IPv6 link-local addresses settle, as they are on real nodes
n2() { ip netns exec "$p-node2" "$@"; }
n1() { ip netns exec "$p-node1" "$@"; }
# node2: hijacked (node1's address is local here)
n2 ip -j addr show > "$out/node2-ip-j-addr-show.json"
n2 ip -o addr show > "$out/node2-ip-o-addr-show.txt"
n2 ip addr show > "$out/node2-ip-addr-show.txt"
n2 ip route get 10.77.0.11 > "$out/node2-ip-route-get-hijacked.txt"
n2 ip route get 10.77.0.13 > "$out/node2-ip-route-get-normal.txt"
n2 ip route get 10.77.0.12 > "$out/node2-ip-route-get-self.txt"
n2 ip -j route get 10.77.0.11 > "$out/node2-ip-j-route-get-hijacked.json"
n2 ip -j route get 10.77.0.13 > "$out/node2-ip-j-route-get-normal.json"
n2 ip route show table local > "$out/node2-ip-route-show-table-local.txt"
n2 ip -j route show table local > "$out/node2-ip-j-route-show-table-local.json"
# node1: the owner, also holding its own address on kube-ipvs0 (kube-proxy v1.20 does not skip it)
n1 ip -j addr show > "$out/node1-ip-j-addr-show.json"
n1 ip -o addr show > "$out/node1-ip-o-addr-show.txt"
n1 ip route get 10.77.0.11 > "$out/node1-ip-route-get-self.txt"
n1 ip route get 10.77.0.12 > "$out/node1-ip-route-get-normal.txt"
n1 ip route show table local > "$out/node1-ip-route-show-table-local.txt"
# node3 after recovery: the /32 removed from kube-ipvs0
ip -n "$p-node3" addr del 10.77.0.11/32 dev kube-ipvs0
ip netns exec "$p-node3" ip -j addr show > "$out/node3-recovered-ip-j-addr-show.json"
ip netns exec "$p-node3" ip route get 10.77.0.11 > "$out/node3-recovered-ip-route-get.txt"
# an address no route reaches (no default route in the namespace): what `ip route get` says then
n2 ip route get 192.0.2.1 > "$out/node2-ip-route-get-unreachable.txt" 2>&1 || true
ip -V > "$out/iproute2-version.txt"
