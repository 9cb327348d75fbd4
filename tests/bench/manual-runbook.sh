#!/usr/bin/env bash
# The baseline for recover-scale.sh: SCENARIO.md's manual runbook as an operator's ad-hoc loop would do it, one
# node after the other, from one node's console (this node: done locally, first, because its own copy of the
# address makes the address's owner unreachable by ssh until it is gone).
#
#   manual-runbook.sh --ip ADDR --key FILE --known-hosts FILE --wait SECONDS SELF_ADDR OTHER_ADDR...
#
# 1. on each node in turn: systemctl stop kube-proxy; ip addr del ADDR/32 dev kube-ipvs0 where present
# 2. kubectl delete svc nginx-service, retried until the API answers
# 3. on each node in turn: systemctl start kube-proxy
# 4. wait SECONDS (what kube-recover waits: two sync periods and its margin), then check on each node that ADDR is
#    on no kube-ipvs0 (exit 1 if it is).
# Plain sequential ssh, host keys checked against the given known_hosts, no parallelism: what an operator types.
set -euo pipefail
ip= key= known= wait=
while (($#)); do
  case $1 in
    --ip) ip=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --known-hosts) known=$2; shift 2 ;;
    --wait) wait=$2; shift 2 ;;
    *) break ;;
  esac
done
[[ -n $ip && -n $key && -n $known && -n $wait && $# -ge 1 ]] || { sed -n '6p' "$0" >&2; exit 2; }
self=$1

on() {  # on ADDR CMD: run CMD on the node at ADDR (locally for this node)
  local addr=$1; shift
  if [[ $addr == "$self" ]]; then bash -c "$*"
  else ssh -i "$key" -o UserKnownHostsFile="$known" -o StrictHostKeyChecking=yes -o BatchMode=yes \
    -o ConnectTimeout=10 -o LogLevel=ERROR "root@$addr" "$*"; fi
}

for addr in "$@"; do
  on "$addr" "systemctl stop kube-proxy; if ip -o -4 addr show dev kube-ipvs0 | grep -qwF '$ip/32'; then ip addr del $ip/32 dev kube-ipvs0; fi"
done
until kubectl --request-timeout=5s delete svc nginx-service >/dev/null 2>&1; do sleep 1; done
for addr in "$@"; do
  on "$addr" "systemctl start kube-proxy"
done
sleep "$wait"
bad=0
for addr in "$@"; do
  if on "$addr" "ip -o -4 addr show dev kube-ipvs0" | grep -qwF "$ip/32"; then echo "manual-runbook: $ip is back on $addr's kube-ipvs0" >&2; bad=1; fi
done
exit $bad
