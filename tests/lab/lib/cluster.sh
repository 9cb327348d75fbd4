# Cluster objects through kubectl (run in node1): the Node objects, and the seed's Service that breaks it.

register_nodes() {
  local n f=$LAB_RUN_DIR/nodes.yaml
  {
    echo "apiVersion: v1"; echo "kind: List"; echo "items:"
    for n in $(lab_nodes); do
      local role='node-role.kubernetes.io/node: ""'
      is_control_plane "$n" && role='node-role.kubernetes.io/master: ""'
      cat <<YAML
- apiVersion: v1
  kind: Node
  metadata:
    name: $n
    labels:
      kubernetes.io/hostname: $n
      kubernetes.io/os: linux
      $role
  status:
    addresses:
    - { type: InternalIP, address: $(node_addr "$n") }
    - { type: Hostname, address: $n }
YAML
    done
  } > "$f"
  retry 60 node_kubectl node1 apply -f "$f" >/dev/null || return 1
  # Node status is a subresource: write the addresses through it, as the kubelet does.
  for n in $(lab_nodes); do
    node_exec node1 curl -sS --max-time 10 --fail -o /dev/null --cacert "$LAB_RUN_DIR/pki/ca.crt" \
      --cert "$LAB_RUN_DIR/pki/admin.crt" --key "$LAB_RUN_DIR/pki/admin.key" -X PATCH \
      -H 'Content-Type: application/merge-patch+json' \
      -d "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"$(node_addr "$n")\"},{\"type\":\"Hostname\",\"address\":\"$n\"}]}}" \
      "https://$(node_addr node1):6443/api/v1/nodes/$n/status" || return 1
  done
}

# seed_service_yaml NS NAME [EXTERNAL_IPS_JSON]: the seed's Service (SCENARIO.md), with the controller's labels.
seed_service_yaml() {
  cat <<YAML
apiVersion: v1
kind: Service
metadata:
  name: $2
  namespace: $1
$(controller_labels)
spec:
  selector:
    app: zgz${3:+
  externalIPs: [$3]}
  ports:
  - name: name-of-service-port
    protocol: TCP
    port: 80
    targetPort: http-web-svc
YAML
}

# lab_break NS NAME LB IP...: the seed's Service, then the addresses as externalIPs (or LB ingress entries, as
# servicelb or a MetalLB pool holding node addresses hands them out).
lab_break() {
  local ns=$1 name=$2 lb=$3 f=$LAB_RUN_DIR/break-service.yaml; shift 3
  local ips=("$@") ip list ingress
  list=$(printf '"%s",' "${ips[@]}"); list=${list%,}
  ingress=$(printf '{"ip":"%s"},' "${ips[@]}"); ingress=${ingress%,}
  cat > "$f" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: nginx
  namespace: $ns
  labels:
    app: zgz
spec:
  containers:
  - name: nginx
    image: nginx:stable
    ports:
    - containerPort: 80
      name: http-web-svc
---
$(seed_service_yaml "$ns" "$name")
YAML
  [[ $ns == default ]] || node_kubectl node1 create namespace "$ns" >/dev/null 2>&1 || true
  retry 90 apply_seed "$f" || die "kubectl apply of the Service failed"
  # The seed: the owner of the (first) address leads etcd, so the lockout cuts the leader off.
  local owner="" n; for n in $(lab_nodes); do [[ $(node_addr "$n") == "${ips[0]}" ]] && owner=$n; done
  [[ -n $owner ]] && { retry 60 etcd_lead_from "$owner" || log "note: could not make $owner the etcd leader"; }
  if [[ $lb == yes ]] && controller_assigns; then
    # The controller assigns from its pool: the claimed addresses first, so this Service gets the first of them, and
    # a second LoadBalancer Service waits for a free one (MetalLB: AllocationFailed, tried again on every change).
    controller_pool "${ips[@]}"
    retry 60 node_kubectl node1 -n "$ns" patch svc "$name" -p '{"spec":{"type":"LoadBalancer"}}' >/dev/null || die "kubectl patch type failed"
    wait_for 60 "the lb-pool controller to assign ${ips[0]} to $ns/$name" ingress_is "$ns" "$name" "${ips[0]}" ||
      { tail -n 5 "$LAB_RUN_DIR/controller.log" >&2; die "the controller assigned no address"; }
    # Through the last node's API: node1's etcd member may already be cut off by the lockout this address starts.
    retry 60 create_waiting_service "$(lab_nodes | tail -n 1)" "$ns" "$name-waiting" || die "creating $ns/$name-waiting failed"
  elif [[ $lb == yes ]]; then
    retry 60 node_kubectl node1 -n "$ns" patch svc "$name" -p '{"spec":{"type":"LoadBalancer"}}' >/dev/null || die "kubectl patch type failed"
    retry 60 node_exec node1 curl -sS --max-time 10 --fail -o /dev/null --cacert "$LAB_RUN_DIR/pki/ca.crt" \
      --cert "$LAB_RUN_DIR/pki/admin.crt" --key "$LAB_RUN_DIR/pki/admin.key" -X PATCH \
      -H 'Content-Type: application/merge-patch+json' \
      -d "{\"status\":{\"loadBalancer\":{\"ingress\":[$ingress]}}}" \
      "https://$(node_addr node1):6443/api/v1/namespaces/$ns/services/$name/status" || die "status patch failed"
  else
    retry 60 node_kubectl node1 -n "$ns" patch svc "$name" -p "{\"spec\":{\"externalIPs\":[$list]}}" >/dev/null || die "kubectl patch failed"
    controller_save "$ns" "$name" "$list"
  fi
  # Visible when the first node that does not own an address routes it locally. The others follow within a
  # sync period or two, unless etcd has lost its leader meanwhile (a partial partition: faithful, and reported).
  # With several addresses the first kube-proxy to sync cuts its node off from the others' API servers and etcd,
  # so which node binds which address is a race, as on a real cluster: any one hijack is the lockout.
  if ! wait_for 90 "a node to route another's address (${ips[*]}) locally" any_hijack "${ips[@]}"; then
    for n in $(lab_nodes); do proxy_log_tail "$n" >&2; done
    node_exec node1 sh -c 'echo "--- node1 kube-apiserver"; tail -n 8 /var/log/pods-lab/*kube-apiserver* 2>/dev/null' >&2 || true
    die "the lockout did not appear"
  fi
  # One deadline for all the pairs (not one per pair: at 10 nodes with 6 that never bind, that was 3 minutes a break).
  local follow=30; ((${#ips[@]} == 1)) || follow=5   # several: some pairs never come, cut off by the first
  local end=$((SECONDS + follow)) ip n missing
  while :; do
    missing=()
    for ip in "${ips[@]}"; do
      for n in $(lab_nodes); do
        [[ $(node_addr "$n") == "$ip" ]] || routes_local "$n" "$ip" || missing+=("$n:$ip")
      done
    done
    ((${#missing[@]} == 0 || SECONDS >= end)) && break
    sleep 0.5
  done
  ((${#missing[@]} == 0)) || log "note: not routed locally (yet) after ${follow}s: ${missing[*]}"
  log "broken: $(hijacks "${ips[@]}")"
}

# "NODE routes IP locally" for each non-owner node that does; non-empty when the lockout is there.
hijacks() {
  local ip n out=()
  for ip in "$@"; do
    for n in $(lab_nodes); do
      [[ $(node_addr "$n") != "$ip" ]] && routes_local "$n" "$ip" && out+=("$n routes $ip locally")
    done
  done
  local IFS=';'; echo "${out[*]}"
}
any_hijack() { [[ -n $(hijacks "$@") ]]; }

# The Pod is stored when the stand-in apiserver serves Pods (it never runs); the Service is what matters.
apply_seed() {
  node_kubectl node1 apply -f "$1" >/dev/null 2>&1 ||
    node_exec node1 sh -c "sed -n '/^---\$/,\$p' '$1' | '$LAB_KUBECTL' --request-timeout=10s apply -f -" >/dev/null
}

routes_local() { node_exec "$1" ip route get "$2" | grep -q '^local '; }

# A LoadBalancer Service that waits for a free pool address. Idempotent: a create whose answer timed out at the client
# may have been stored all the same (CI saw that), and its retry then finds the Service there.
create_waiting_service() {
  local node=$1 ns=$2 name=$3
  node_kubectl "$node" -n "$ns" create service loadbalancer "$name" --tcp=80:80 >/dev/null ||
    node_kubectl "$node" -n "$ns" get service "$name" >/dev/null 2>&1
}
