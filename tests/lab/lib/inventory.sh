# The kube-recover inventory for the lab (the product's format, DESIGN.md) and `lab.sh env`.

write_inventory() {
  local inv=$LAB_RUN_DIR/inventory.yaml n roles proxy=""
  if [[ $(lab_option proxy_manager) == custom ]]; then
    proxy=', kubeProxy: { manager: custom, stop: "/usr/local/sbin/lab-kube-proxy stop", start: "/usr/local/sbin/lab-kube-proxy start" }'
  fi
  {
    echo "# kube-recover lab $(lab_prefix), written by tests/lab/lab.sh"
    echo "cluster: lab"
    echo "ssh: { user: root, port: 22, identityFile: $LAB_RUN_DIR/ssh/id_ed25519, knownHosts: $LAB_RUN_DIR/ssh/known_hosts }"
    echo "nodes:"
    for n in $(lab_nodes); do
      roles=""; is_control_plane "$n" && roles=", roles: [control-plane, etcd]"
      echo "  - { name: $n, address: $(node_addr "$n")$roles$proxy }"
    done
  } > "$inv"
}

print_env() {
  [[ -f $LAB_RUN_DIR/prefix ]] || die "no lab in $LAB_RUN_DIR (run: lab.sh up)"
  local nodes; nodes=$(lab_nodes | xargs)
  echo "LAB_PREFIX=$(lab_prefix)"
  echo "LAB_RUN_DIR=$LAB_RUN_DIR"
  echo "LAB_NODES=\"$nodes\""
  echo "LAB_CONTROL_PLANE=\"$(control_plane_nodes | xargs)\""
  for n in $nodes; do echo "LAB_ADDR_$n=$(node_addr "$n")"; done
  echo "LAB_INVENTORY=$LAB_RUN_DIR/inventory.yaml"
  echo "LAB_SSH_KEY=$LAB_RUN_DIR/ssh/id_ed25519"
  echo "LAB_KNOWN_HOSTS=$LAB_RUN_DIR/ssh/known_hosts"
  echo "LAB_KUBECTL=$LAB_KUBECTL"
  echo "LAB_PROXY_MANAGER=$(lab_option proxy_manager)"
  echo "LAB_BIND_OWNER=$(lab_option bind_owner)"
  echo "LAB_PROXY_MODE=$(proxy_mode)"
  echo "LAB_ADMIN_CERT=$LAB_RUN_DIR/pki/admin.crt"
  echo "LAB_ADMIN_KEY=$LAB_RUN_DIR/pki/admin.key"
  echo "LAB_CA_CERT=$LAB_RUN_DIR/pki/ca.crt"
  echo "LAB_ETCD_ENDPOINTS=$(etcd_endpoints)"
  if [[ $(lab_option bastion) == yes ]]; then
    echo "LAB_BASTION=$BASTION_ADDR"
    echo "LAB_BASTION_SSH_CONFIG=$LAB_RUN_DIR/ssh/bastion_config"
  fi
}
