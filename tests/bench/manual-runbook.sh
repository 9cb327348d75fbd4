#!/usr/bin/env bash
# The peers for recover-scale.sh: SCENARIO.md's manual runbook as an operator scripts it from one node's console
# (this node: done locally, first, because its own copy of the address makes the address's owner unreachable by
# ssh until it is gone).
#
#   manual-runbook.sh [--parallel] --ip ADDR --key FILE --known-hosts FILE --wait SECONDS SELF_ADDR OTHER_ADDR...
#
# 1. systemctl stop kube-proxy; ip addr del ADDR/32 dev kube-ipvs0 where present: this node, then each other node
#    in turn (sequential), or every other node at once (--parallel: ssh in the background, then wait for all)
# 2. kubectl delete svc nginx-service, retried until the API answers
# 3. systemctl start kube-proxy on each node (in turn, or all at once with --parallel)
# 4. wait SECONDS (what kube-recover waits: two sync periods and its margin), then check on each node that ADDR is
#    on no kube-ipvs0 (exit 1 if it is, or if any ssh failed).
# Plain ssh, host keys checked against the given known_hosts. The parallel form is the strongest naive peer: what an
# operator who knows `&` and `wait` types; it verifies nothing between the steps.
set -euo pipefail
parallel=no ip= key= known= wait=
while (($#)); do
  case $1 in
    --parallel) parallel=yes; shift ;;
    --ip) ip=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --known-hosts) known=$2; shift 2 ;;
    --wait) wait=$2; shift 2 ;;
    *) break ;;
  esac
done
[[ -n $ip && -n $key && -n $known && -n $wait && $# -ge 1 ]] || { sed -n '6p' "$0" >&2; exit 2; }
self=$1; shift
others=("$@")

on() {  # on ADDR CMD: run CMD on the node at ADDR (locally for this node)
  local addr=$1; shift
  if [[ $addr == "$self" ]]; then bash -c "$*"
  else ssh -i "$key" -o UserKnownHostsFile="$known" -o StrictHostKeyChecking=yes -o BatchMode=yes \
    -o ConnectTimeout=10 -o LogLevel=ERROR "root@$addr" "$*"; fi
}
# everywhere CMD: on this node, then on the others (one after the other, or all at once); fails if any failed.
everywhere() {
  on "$self" "$1"
  if [[ $parallel == no ]]; then for addr in "${others[@]}"; do on "$addr" "$1"; done; return; fi
  local pids=() pid bad=0
  for addr in "${others[@]}"; do on "$addr" "$1" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || bad=1; done
  return $bad
}

everywhere "systemctl stop kube-proxy; if ip -o -4 addr show dev kube-ipvs0 | grep -qwF '$ip/32'; then ip addr del $ip/32 dev kube-ipvs0; fi"
until kubectl --request-timeout=5s delete svc nginx-service >/dev/null 2>&1; do sleep 1; done
everywhere "systemctl start kube-proxy"
sleep "$wait"
everywhere "if ip -o -4 addr show dev kube-ipvs0 | grep -qwF '$ip/32'; then echo \"manual-runbook: $ip is back on \$(hostname)'s kube-ipvs0\" >&2; exit 1; fi"
