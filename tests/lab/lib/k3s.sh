# `up --flavor k3s`: k3s's layout (StandIns/K3s/K3s.cs says what the stand-in reproduces). Servers (the control-plane
# nodes) run the unit `k3s` (`k3s server`: the API server and kube-proxy in one process) beside the lab's real etcd,
# which stands for k3s's embedded etcd; other nodes run `k3s-agent` (`k3s agent`: kube-proxy only). As the install
# script (get.k3s.io) writes them: units k3s.service / k3s-agent.service with Restart=always, the admin kubeconfig at
# /etc/rancher/k3s/k3s.yaml pointing at the server's own API (https://127.0.0.1:6443), kube-proxy's kubeconfig at
# /var/lib/rancher/k3s/agent/kubeproxy.kubeconfig; no kubelet, no kubeadm files (admin.conf, static pod manifests).

is_k3s() { [[ $(lab_option proxy_manager) == k3s ]]; }
k3s_unit() { if is_control_plane "$1"; then echo k3s; else echo k3s-agent; fi; }

make_node_k3s() {
  local node=$1 d p=$LAB_RUN_DIR/pki addr role=agent; d=$(node_dir "$node"); addr=$(node_addr "$node")
  local own="https://127.0.0.1:6443" proxy_server="https://$(node_addr node1):6443" args=()
  rm -rf "$d/etc/kubernetes/admin.conf" "$d/etc/kubernetes/manifests" "$d/etc-systemd-system/kubelet.service"
  mkdir -p "$d/var-lib/rancher/k3s/agent"
  if is_control_plane "$node"; then
    role=server proxy_server=$own
    mkdir -p "$d/etc/rancher/k3s"
    kubeconfig "$own" "$p/admin" default > "$d/etc/rancher/k3s/k3s.yaml"
    cp "$d/etc/rancher/k3s/k3s.yaml" "$d/root/.kube/config"    # as users do after installing
    chmod 600 "$d/etc/rancher/k3s/k3s.yaml" "$d/root/.kube/config"
    args+=(--kube-apiserver-arg=advertise-address="$addr" --kube-apiserver-arg=bind-address=0.0.0.0
      --kube-apiserver-arg=secure-port=6443 --kube-apiserver-arg=service-cluster-ip-range=10.96.0.0/12
      --kube-apiserver-arg=client-ca-file=/etc/kubernetes/pki/ca.crt
      --kube-apiserver-arg=tls-cert-file=/etc/kubernetes/pki/apiserver.crt --kube-apiserver-arg=tls-private-key-file=/etc/kubernetes/pki/apiserver.key
      --kube-apiserver-arg=etcd-servers=https://127.0.0.1:2379 --kube-apiserver-arg=etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
      --kube-apiserver-arg=etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
      --kube-apiserver-arg=etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key)
  fi
  kubeconfig "$proxy_server" "$p/kube-proxy" system:kube-proxy > "$d/var-lib/rancher/k3s/agent/kubeproxy.kubeconfig"
  args+=(--kube-proxy-arg=config=/var/lib/kube-proxy/config.conf --kube-proxy-arg=hostname-override="$node"
    --kube-proxy-arg=kubeconfig=/var/lib/rancher/k3s/agent/kubeproxy.kubeconfig --kube-proxy-arg=lab-bind-owner="$(lab_option bind_owner)")
  cat > "$d/etc-systemd-system/$(k3s_unit "$node").service" <<UNIT
[Unit]
Description=Lightweight Kubernetes
Documentation=https://k3s.io
Wants=network-online.target
After=network-online.target

[Service]
Type=$([[ $role == server ]] && echo notify || echo exec)
KillMode=process
Delegate=yes
LimitNOFILE=1048576
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStart=$(bin_dir)/k3s $role ${args[*]}

[Install]
WantedBy=multi-user.target
UNIT
}
