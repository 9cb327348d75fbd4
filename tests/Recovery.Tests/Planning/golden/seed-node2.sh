#!/usr/bin/env bash
# ===== kube-recover script for node node2 (10.0.0.213) =====
# Run it at node2's console, as root.
# Plan created 2026-11-25 09:00:00Z; addresses 10.0.0.211; facts a683c7941545c485.
# Each step checks first and skips what is already done, so running it again is safe.
# The order ACROSS nodes matters: finish each phase on EVERY node (its own script) before the next phase
# anywhere. The script pauses after each phase; set KUBE_RECOVER_NO_PAUSE=1 to run straight through.
set -euo pipefail
if [ -z "${KUBE_RECOVER_FORCE:-}" ] && ! ip -o addr show to 10.0.0.213/32 | awk '$2 != "kube-ipvs0" {found = 1} END {exit !found}'; then
  echo 'this script is for node2 (10.0.0.213), which is not this machine (set KUBE_RECOVER_FORCE=1 if it is)' >&2; exit 1
fi
STATE_DIR="${KUBE_RECOVER_STATE_DIR:-/var/lib/kube-recover/state}"
mkdir -p "$STATE_DIR"
step() { printf '\n== %s\n   %s\n' "$1" "$2"; }
phase_done() {
  printf '\n-- phase %s done on this node. %s\n' "$1" "$2"
  if [ -z "${KUBE_RECOVER_NO_PAUSE:-}" ]; then read -r -p 'Press Enter to go on (Ctrl-C to stop): ' _; fi
}

# ---- Phase Preflight: Save each node's addresses and local routes before changing them

# [1] preflight/node2/save-addresses
step preflight/node2/save-addresses 'Save `ip addr show` into the state directory'
ip addr show > "$STATE_DIR"/node2.addresses.before.txt

# [2] preflight/node2/save-local-routes
step preflight/node2/save-local-routes 'Save `ip route show table local` into the state directory'
ip route show table local > "$STATE_DIR"/node2.local-routes.before.txt
phase_done Preflight 'Also needed on: node1, node3.'

# ---- Phase Contain: Stop kube-proxy on every node where it runs

# [7] contain/node2/stop-kube-proxy
step contain/node2/stop-kube-proxy 'Record the stop in /var/lib/kube-recover/stopped/kube-proxy, then stop the systemd unit kube-proxy.service'
if { systemctl is-active --quiet kube-proxy.service >/dev/null 2>&1; case $? in 0|124|126|127|137) false ;; esac; }; then
  echo '   already done'
else
  sh -c 'p=$1; shift; mkdir -p "${p%/*}" && printf "%s\n" "$@" > "$p.tmp" && date -u +"stopped-at: %Y-%m-%dT%H:%M:%SZ" >> "$p.tmp" && sync && mv -f "$p.tmp" "$p" && sync' kube-recover /var/lib/kube-recover/stopped/kube-proxy 'kube-recover stopped kube-proxy on this node; a later kube-recover run starts it again' 'planned: 2026-11-25T09:00:00Z' 'manager: systemd' 'unit: kube-proxy.service' 'start: systemctl start kube-proxy.service'
  systemctl stop kube-proxy.service
  deadline=$((SECONDS + 30))
  until { systemctl is-active --quiet kube-proxy.service >/dev/null 2>&1; case $? in 0|124|126|127|137) false ;; esac; }; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: contain/node2/stop-kube-proxy: did not hold within 30 s' >&2; exit 1; fi
    sleep 1
  done
fi
phase_done Contain 'Now run phase Contain on: node1, node3.'

# ---- Phase Unbind: Remove the hijacked addresses from kube-ipvs0
# Before this phase: kube-proxy must be stopped (phase Contain) on EVERY node.

# [10] unbind/node2/del-10.0.0.211
step unbind/node2/del-10.0.0.211 'Remove 10.0.0.211/32 from kube-ipvs0'
if { out=$(ip -o addr show dev kube-ipvs0 to 10.0.0.211/32 2>/dev/null); case $? in 124|126|127|137) false ;; esac && [ -z "$out" ]; }; then
  echo '   already done'
else
  ip addr del 10.0.0.211/32 dev kube-ipvs0
  deadline=$((SECONDS + 10))
  until { out=$(ip -o addr show dev kube-ipvs0 to 10.0.0.211/32 2>/dev/null); case $? in 124|126|127|137) false ;; esac && [ -z "$out" ]; }; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: unbind/node2/del-10.0.0.211: did not hold within 10 s' >&2; exit 1; fi
    sleep 1
  done
fi

# [11] unbind/node2/ipset-10.0.0.211
step unbind/node2/ipset-10.0.0.211 'Remove 10.0.0.211 from the ipset KUBE-IPVS-IPS (where ipset exists)'
if command -v ipset >/dev/null 2>&1; then
  if { ipset test KUBE-IPVS-IPS 10.0.0.211 >/dev/null 2>&1; case $? in 0|124|126|127|137) false ;; esac; }; then
    echo '   already done'
  else
    ipset del KUBE-IPVS-IPS 10.0.0.211
  fi
else
  echo '   does not apply here'
fi
phase_done Unbind 'Now run phase Unbind on: node1, node3.'

# ---- Phase VerifyReach: Check every node reaches every control-plane node again

# [17] reach/node2/route-node1
step reach/node2/route-node1 '`ip route get 10.0.0.211` leaves the node (not local)'
deadline=$((SECONDS + 30))
until { out=$(ip route get 10.0.0.211 2>/dev/null) && [[ "$out" != *'local '* ]]; }; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: reach/node2/route-node1: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [18] reach/node2/api-node1
step reach/node2/api-node1 'node1'\''s API server answers on 10.0.0.211:6443'
deadline=$((SECONDS + 30))
until timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.0.211/6443' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: reach/node2/api-node1: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [19] reach/node2/etcd-node1
step reach/node2/etcd-node1 'node1'\''s etcd answers on 10.0.0.211:2379'
deadline=$((SECONDS + 30))
until timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.0.211/2379' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: reach/node2/etcd-node1: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [20] reach/node2/route-node3
step reach/node2/route-node3 '`ip route get 10.0.0.214` leaves the node (not local)'
deadline=$((SECONDS + 30))
until { out=$(ip route get 10.0.0.214 2>/dev/null) && [[ "$out" != *'local '* ]]; }; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: reach/node2/route-node3: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [21] reach/node2/api-node3
step reach/node2/api-node3 'node3'\''s API server answers on 10.0.0.214:6443'
deadline=$((SECONDS + 30))
until timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.0.214/6443' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: reach/node2/api-node3: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [22] reach/node2/etcd-node3
step reach/node2/etcd-node3 'node3'\''s etcd answers on 10.0.0.214:2379'
deadline=$((SECONDS + 30))
until timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.0.214/2379' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: reach/node2/etcd-node3: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done
phase_done VerifyReach 'Also needed on: node1, node3.'

# ---- Phase FixObject: Fix the Service(s) claiming the addresses

# [35] fix-object/node2/delete-claiming-services
step fix-object/node2/delete-claiming-services 'Delete every Service claiming 10.0.0.211 through kubectl on the first control-plane node that answers (YAML saved first)'
kubectl_=(kubectl --kubeconfig /etc/kubernetes/admin.conf --request-timeout=10s)
addresses_=10.0.0.211
if ! list_=$("${kubectl_[@]}" get services --all-namespaces -o 'jsonpath={range .items[*]}{.metadata.namespace} {.metadata.name} {.spec.externalIPs[*]} | {.status.loadBalancer.ingress[*].ip} {.spec.loadBalancerIP}{"\n"}{end}' 2>&1); then
  case "$list_" in *NotFound*) list_='' ;; *) echo "$list_" >&2; exit 1 ;; esac
fi
while read -r ns_ name_ rest_; do
  [ -n "$ns_" ] || continue
  ext_=" ${rest_%%|*} "; lb_=" ${rest_#*|} "; hit_=''; lbhit_=''
  for a_ in $addresses_; do
    case "$ext_" in *" $a_ "*) hit_=1 ;; esac
    case "$lb_" in *" $a_ "*) hit_=1; lbhit_=1 ;; esac
  done
  [ -n "$hit_" ] || continue
  "${kubectl_[@]}" get service -n "$ns_" "$name_" -o yaml > "$STATE_DIR/service.$ns_.$name_.yaml"
  "${kubectl_[@]}" delete service -n "$ns_" "$name_"
done <<< "$list_"
phase_done FixObject ''

# ---- Phase Restore: Start again what Contain stopped
# Only after the Service fix (phase FixObject) succeeded: a started kube-proxy binds the address again otherwise.

# [36] restore/node2/start-kube-proxy
step restore/node2/start-kube-proxy 'Start the systemd unit kube-proxy.service'
if systemctl is-active --quiet kube-proxy.service >/dev/null 2>&1; then
  echo '   already done'
else
  systemctl start kube-proxy.service
  deadline=$((SECONDS + 60))
  until systemctl is-active --quiet kube-proxy.service >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: restore/node2/start-kube-proxy: did not hold within 60 s' >&2; exit 1; fi
    sleep 1
  done
fi

# [37] restore/node2/clear-stop-marker
step restore/node2/clear-stop-marker 'Remove /var/lib/kube-recover/stopped/kube-proxy: kube-proxy runs again'
if test '!' -e /var/lib/kube-recover/stopped/kube-proxy >/dev/null 2>&1; then
  echo '   already done'
else
  rm -f /var/lib/kube-recover/stopped/kube-proxy
fi
phase_done Restore 'Also needed on: node1, node3.'

# ---- Phase Verify: Once each kube-proxy has synced again (or two sync periods have passed): the addresses stay off, every node reaches the control plane, kube-proxy runs

# [42] verify/node2/kube-proxy-synced
step verify/node2/kube-proxy-synced 'kube-proxy has synced since it started again (kubeproxy_sync_proxy_rules_last_timestamp_seconds), or has run 70 s where that cannot be read'
deadline=$((SECONDS + 100))
until bash -c 'p=$(pgrep -o -x kube-proxy) || exit 1; up=$(ps -o etimes= -p "$p") || exit 1; now=$(date +%s); m=$({ curl -s -m 3 http://127.0.0.1:10249/metrics || timeout 3 bash -c '\''exec 3<>/dev/tcp/127.0.0.1/10249 && printf "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 && cat <&3'\''; } 2>/dev/null | awk '\''$1 == "kubeproxy_sync_proxy_rules_last_timestamp_seconds" {print $2; exit}'\''); f=70; if [ -n "$m" ]; then awk -v m="$m" -v s="$((now - up))" -v up="$up" -v f="$f" '\''BEGIN {exit !(m + 0 > 0 ? m + 0 >= s : up + 0 >= f + 0)}'\''; else [ "$up" -ge "$f" ]; fi' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/kube-proxy-synced: did not hold within 100 s' >&2; exit 1; fi
  sleep 1
done

# [43] verify/node2/no-service-claims
step verify/node2/no-service-claims 'No Service claims 10.0.0.211 again (a controller may have put the claim back): read through kubectl on node2'
deadline=$((SECONDS + 15))
until { out=$(kubectl --kubeconfig /etc/kubernetes/admin.conf --request-timeout=5s get services -A -o json 2>/dev/null) && ! printf '%s' "$out" | grep -qF -e '"10.0.0.211"'; }; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/no-service-claims: a Service still claims 10.0.0.211, or no API answered, within 15 s' >&2; exit 1; fi
  sleep 1
done

# [44] verify/node2/unbound-10.0.0.211
step verify/node2/unbound-10.0.0.211 '10.0.0.211 is not on kube-ipvs0'
deadline=$((SECONDS + 5))
until { out=$(ip -o addr show dev kube-ipvs0 to 10.0.0.211/32 2>/dev/null); case $? in 124|126|127|137) false ;; esac && [ -z "$out" ]; }; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/unbound-10.0.0.211: did not hold within 5 s' >&2; exit 1; fi
  sleep 1
done

# [45] verify/node2/route-node1
step verify/node2/route-node1 '`ip route get 10.0.0.211` leaves the node (not local)'
deadline=$((SECONDS + 30))
until { out=$(ip route get 10.0.0.211 2>/dev/null) && [[ "$out" != *'local '* ]]; }; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/route-node1: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [46] verify/node2/api-node1
step verify/node2/api-node1 'node1'\''s API server answers on 10.0.0.211:6443'
deadline=$((SECONDS + 30))
until timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.0.211/6443' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/api-node1: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [47] verify/node2/etcd-node1
step verify/node2/etcd-node1 'node1'\''s etcd answers on 10.0.0.211:2379'
deadline=$((SECONDS + 30))
until timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.0.211/2379' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/etcd-node1: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [48] verify/node2/route-node3
step verify/node2/route-node3 '`ip route get 10.0.0.214` leaves the node (not local)'
deadline=$((SECONDS + 30))
until { out=$(ip route get 10.0.0.214 2>/dev/null) && [[ "$out" != *'local '* ]]; }; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/route-node3: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [49] verify/node2/api-node3
step verify/node2/api-node3 'node3'\''s API server answers on 10.0.0.214:6443'
deadline=$((SECONDS + 30))
until timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.0.214/6443' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/api-node3: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [50] verify/node2/etcd-node3
step verify/node2/etcd-node3 'node3'\''s etcd answers on 10.0.0.214:2379'
deadline=$((SECONDS + 30))
until timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.0.214/2379' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/etcd-node3: did not hold within 30 s' >&2; exit 1; fi
  sleep 1
done

# [51] verify/node2/kube-proxy-running
step verify/node2/kube-proxy-running 'kube-proxy runs again'
deadline=$((SECONDS + 60))
until { curl -s -m 3 http://127.0.0.1:10249/proxyMode || timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/10249 && printf "GET /proxyMode HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 && cat <&3'; } >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo 'FAILED: verify/node2/kube-proxy-running: did not hold within 60 s' >&2; exit 1; fi
  sleep 1
done
phase_done Verify 'Also needed on: node1, node3.'

echo 'kube-recover: all steps of this node done.'
