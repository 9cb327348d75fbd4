# kube-proxy per node (the C# stand-in, IPVS-mode behaviour), its KubeProxyConfiguration, and its supervision
# by --proxy-manager: systemd (a unit, as kubeasz binary installs do), static-pod (a manifest the kubelet runs,
# kubelet being a unit, as kubeadm static-pod setups do), custom (commands in the inventory), or daemonset-docker
# (kubeadm's DaemonSet in a real dockerd: lib/docker.sh).

make_node_proxy_config() {
  local node=$1 d; d=$(node_dir "$node")
  cat > "$d/var-lib/kube-proxy/config.conf" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
bindAddress: 0.0.0.0
clientConnection:
  kubeconfig: /etc/kubernetes/kube-proxy.kubeconfig
  qps: 5
  burst: 10
clusterCIDR: 172.20.0.0/16
hostnameOverride: $node
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
mode: $(proxy_mode)
ipvs:
  scheduler: rr
  syncPeriod: $(lab_option sync_period)
  minSyncPeriod: 0s
  strictARP: true
YAML
}

proxy_args() { echo "--config=/var/lib/kube-proxy/config.conf --hostname-override=$1 --lab-bind-owner=$(lab_option bind_owner)"; }

make_node_proxy() {
  local node=$1 d; d=$(node_dir "$node")
  case $(lab_option proxy_manager) in
    systemd)
      cat > "$d/etc-systemd-system/kube-proxy.service" <<UNIT
[Unit]
Description=Kubernetes Kube-Proxy Server
Documentation=https://github.com/GoogleCloudPlatform/kubernetes
After=network.target

[Service]
WorkingDirectory=/var/lib/kube-proxy
ExecStart=$(bin_dir)/kube-proxy $(proxy_args "$node")
Restart=always
RestartSec=2
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
UNIT
      ;;
    static-pod)
      mkdir -p "$d/etc/kubernetes/manifests"
      cat > "$d/etc/kubernetes/manifests/kube-proxy.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  labels:
    component: kube-proxy
    tier: node
  name: kube-proxy
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-proxy
$(for a in $(proxy_args "$node"); do echo "    - $a"; done)
    image: k8s.gcr.io/kube-proxy:v1.20.11
    name: kube-proxy
    securityContext:
      privileged: true
  hostNetwork: true
  priorityClassName: system-node-critical
YAML
      ;;
    custom) ;;   # /usr/local/sbin/lab-kube-proxy, shared by all nodes
    daemonset-docker) make_node_docker_unit "$node"; make_node_daemonset_pod "$node" ;;
    k3s) ;;      # inside the k3s / k3s-agent unit (lib/k3s.sh)
  esac
}

# Which units a node starts, by role and proxy manager.
node_units() {
  local node=$1 u=()
  u+=(ssh)
  is_control_plane "$node" && u+=(etcd)
  [[ $(lab_option proxy_manager) == daemonset-docker ]] && u+=(docker)
  if is_k3s; then u+=("$(k3s_unit "$node")"); echo "${u[@]}"; return; fi
  if is_control_plane "$node" || [[ $(lab_option proxy_manager) =~ ^(static-pod|daemonset-docker)$ ]]; then u+=(kubelet); fi
  [[ $(lab_option proxy_manager) == systemd ]] && u+=(kube-proxy)
  echo "${u[@]}"
}

make_node_ssh_unit() {
  cat > "$(node_dir "$1")/etc-systemd-system/ssh.service" <<'UNIT'
[Unit]
Description=OpenBSD Secure Shell server
After=network.target

[Service]
ExecStartPre=/usr/bin/mkdir -p /run/sshd
ExecStart=/usr/sbin/sshd -D -e -f /etc/ssh/sshd_config
Restart=on-failure
RestartSec=1

[Install]
WantedBy=multi-user.target
UNIT
}

# The lab's kube-proxy mode (`up --proxy-mode`; labs made before the option are ipvs).
proxy_mode() { local m; m=$(lab_option proxy_mode); echo "${m:-ipvs}"; }
# What /proxyMode answers on NODE (empty when nothing answers).
proxy_mode_of() { node_exec "$1" timeout 5 curl -s --max-time 4 http://127.0.0.1:10249/proxyMode 2>/dev/null || true; }
proxy_mode_on() { [[ $(proxy_mode_of "$1") == "$(proxy_mode)" ]]; }

# The last lines kube-proxy wrote on NODE, wherever its manager keeps them (for failure messages).
proxy_log_tail() {
  node_exec "$1" sh -c 'for f in /run/lab-systemd/kube-proxy.service/log /run/lab-kube-proxy.log /var/log/pods-lab/*kube-proxy* /run/lab-systemd/kubelet.service/log; do
    [ -f "$f" ] && { echo "--- $f"; tail -n 8 "$f"; }; done' 2>/dev/null || true
}
