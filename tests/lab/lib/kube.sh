# Kubernetes parts per node: kubelet (systemd unit, runs static pods), the kube-apiserver static pod manifest
# on control-plane nodes (the product reads etcd's endpoints and client certificates from its flags), and
# kubectl run inside a node.

bin_dir() { echo "$LAB_RUN_DIR/bin"; }

# daemonset-docker: every pod through the node's dockerd, as dockershim runs them (Kubelet/DockerPods.cs).
docker_kubelet_flags() {
  [[ $(lab_option proxy_manager) == daemonset-docker ]] || return 0
  printf ' \\\n  %s' --lab-runtime=docker --lab-daemonset-pods=/etc/kubernetes/lab-daemonset-pods \
    "--lab-image-tarball=$LAB_RUN_DIR/images/rootfs.tar" "--lab-pod-mounts=/usr,$(bin_dir),/etc/kubernetes,/var/lib/kube-proxy"
}

make_node_kubelet_unit() {
  local node=$1
  cat > "$(node_dir "$node")/etc-systemd-system/kubelet.service" <<UNIT
[Unit]
Description=kubelet: The Kubernetes Node Agent (kube-recover lab stand-in)
After=network.target

[Service]
Environment="PATH=$(bin_dir):$LAB_NODE_PATH"
ExecStart=$(bin_dir)/kubelet \\
  --pod-manifest-path=/etc/kubernetes/manifests \\
  --hostname-override=$node \\
  --node-ip=$(node_addr "$node")$(docker_kubelet_flags)
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
UNIT
}

make_node_apiserver_manifest() {
  local node=$1 addr; addr=$(node_addr "$node")
  is_control_plane "$node" || return 0
  mkdir -p "$(node_dir "$node")/etc/kubernetes/manifests"
  cat > "$(node_dir "$node")/etc/kubernetes/manifests/kube-apiserver.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: $addr:6443
  labels:
    component: kube-apiserver
    tier: control-plane
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --advertise-address=$addr
    - --allow-privileged=true
    - --authorization-mode=Node,RBAC
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --enable-admission-plugins=NodeRestriction
    - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    - --etcd-servers=https://127.0.0.1:2379
    - --secure-port=6443
    - --service-cluster-ip-range=10.96.0.0/12
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
    image: k8s.gcr.io/kube-apiserver:v1.20.11
    imagePullPolicy: IfNotPresent
    name: kube-apiserver
  hostNetwork: true
  priorityClassName: system-node-critical
status: {}
YAML
}

node_kubectl() { local node=$1; shift; node_exec "$node" "$LAB_KUBECTL" --request-timeout=10s "$@"; }

api_answers_on() { node_exec "$1" timeout 5 curl -sk --max-time 4 "https://$(node_addr "$1"):6443/readyz" | grep -qx ok; }
api_closed_on() { ! node_exec "$1" timeout 5 curl -sk --max-time 4 -o /dev/null "https://127.0.0.1:6443/readyz"; }

# `api down|up`: as an operator would with a static pod, move the manifest aside and back (inside the node).
api_down() {
  local n
  for n in $(control_plane_nodes); do
    node_exec "$n" sh -c 'if [ -f /etc/kubernetes/manifests/kube-apiserver.yaml ]; then
      mv /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/kube-apiserver.yaml.lab-down; fi'
  done
  for n in $(control_plane_nodes); do wait_for 60 "apiserver on $n to stop" api_closed_on "$n" || return 1; done
}
api_up() {
  local n
  for n in $(control_plane_nodes); do
    node_exec "$n" sh -c 'if [ -f /etc/kubernetes/kube-apiserver.yaml.lab-down ]; then
      mv /etc/kubernetes/kube-apiserver.yaml.lab-down /etc/kubernetes/manifests/kube-apiserver.yaml; fi'
  done
  for n in $(control_plane_nodes); do wait_for 120 "apiserver on $n" api_answers_on "$n" || return 1; done
}
