# Controllers that put a claim back after the fix (`lab.sh up --controller reapply|lb-pool`; issue 12 item 3).
# reapply: lib/lab-reapply on node1 re-creates the seed Service from its saved manifest when it is gone.
# lb-pool: lib/lab-lb-pool on node1 assigns LoadBalancer addresses from a pool holding node addresses (MetalLB-like).

controller_dir() { echo "$LAB_RUN_DIR/controller"; }

controller_start() {
  case $1 in
    none) return 0 ;;
    reapply)
      mkdir -p "$(controller_dir)"
      node_exec node1 setsid -f "$LAB_HOME/lib/lab-reapply" "$(controller_dir)" "$LAB_KUBECTL" 2 \
        </dev/null >>"$LAB_RUN_DIR/controller.log" 2>&1
      log "controller: re-apply loop on node1 (manifests in $(controller_dir))" ;;
    lb-pool)
      mkdir -p "$(controller_dir)"; : > "$(controller_dir)/pool"
      node_exec node1 setsid -f "$LAB_HOME/lib/lab-lb-pool" "$(controller_dir)" "$LAB_KUBECTL" "https://$(node_addr node1):6443" "$LAB_RUN_DIR/pki" 1 \
        </dev/null >>"$LAB_RUN_DIR/controller.log" 2>&1
      log "controller: load-balancer pool on node1 (pool in $(controller_dir)/pool)" ;;
  esac
}

# controller_assigns: whether `break --lb-ingress` leaves the ingress address to the lb-pool controller.
controller_assigns() { [[ $(lab_option controller) == lb-pool ]]; }

# controller_pool ADDR...: the pool the lb-pool controller assigns from (MetalLB's IPAddressPool), in order.
controller_pool() { printf '%s\n' "$@" > "$(controller_dir)/pool.tmp" && mv "$(controller_dir)/pool.tmp" "$(controller_dir)/pool"; }

# ingress_is NS NAME ADDR: the Service's first ingress address is ADDR, as any node's API says (node1's loses its
# quorum as soon as the address it owns is assigned: the lockout begins).
ingress_is() {
  local n
  for n in $(lab_nodes); do
    [[ $(node_exec "$n" "$LAB_KUBECTL" --request-timeout=3s -n "$1" get service "$2" -o 'jsonpath={.status.loadBalancer.ingress[0].ip}' 2>/dev/null) == "$3" ]] && return 0
  done
  return 1
}

# The labels the seed Service carries under the controller: Argo CD's tracking labels (what diagnose names).
controller_labels() {
  [[ $(lab_option controller) == reapply ]] || return 0
  printf '  labels:\n    app.kubernetes.io/instance: seed\n    argocd.argoproj.io/instance: seed\n'
}

# controller_save NS NAME IPS_JSON: the Service as Git would hold it (with its externalIPs), for the loop to re-apply.
controller_save() {
  [[ $(lab_option controller) == reapply ]] || return 0
  local ns=$1 name=$2 list=$3
  seed_service_yaml "$ns" "$name" "$list" > "$(controller_dir)/$ns.$name.yaml.tmp"
  mv "$(controller_dir)/$ns.$name.yaml.tmp" "$(controller_dir)/$ns.$name.yaml"
}
