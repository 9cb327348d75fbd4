# --proxy-manager daemonset-docker: kubeadm's DaemonSet kube-proxy on a real Docker 20.10 (Debian docker.io).
# Per node one dockerd, a unit of the systemctl stand-in, inside the node's namespaces: its data-root is the node's
# own folder (bound on /var/lib/docker by node-init.sh), exec-root, pidfile and socket under the node's own /run,
# containerd started by dockerd (state under the exec-root). No bridge, no iptables: pods run with host network.
# vfs storage: overlay2 needs an overlay mount whose upper dir is not itself on overlayfs; vfs works anywhere.
# Cgroups under /PREFIX-NODE in every hierarchy (--cgroup-parent), so `down` can remove what killed containers leave.
# The kubelet stand-in runs every pod (the static ones and the DaemonSet's) as dockershim does; images are "pulled"
# by importing one rootfs tarball (no registry here) whose programs come from bind mounts of the host's /usr.

docker_cgroup_parent() { echo "/$(lab_prefix)-$1"; }

make_node_docker_unit() {
  local node=$1
  cat > "$(node_dir "$node")/etc-systemd-system/docker.service" <<UNIT
[Unit]
Description=Docker Application Container Engine (kube-recover lab: one per node)
After=network.target

[Service]
ExecStart=/usr/sbin/dockerd -H unix:///var/run/docker.sock --data-root=/var/lib/docker --exec-root=/run/docker --pidfile=/run/docker.pid --bridge=none --iptables=false --ip-masq=false --storage-driver=vfs --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent=$(docker_cgroup_parent "$node")
Restart=always
RestartSec=2
TimeoutStopSec=20

[Install]
WantedBy=multi-user.target
UNIT
  mkdir -p "$(node_dir "$node")/docker"
}

# kubeadm's kube-proxy DaemonSet pod, as the API server would hand it to this node's kubelet (the stand-in reads it
# from a folder: there is no DaemonSet controller). Name and uid as the controller makes them: kube-proxy-XXXXX.
make_node_daemonset_pod() {
  local node=$1 d; d=$(node_dir "$node")
  mkdir -p "$d/etc/kubernetes/lab-daemonset-pods"
  cat > "$d/etc/kubernetes/lab-daemonset-pods/kube-proxy.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  generateName: kube-proxy-
  name: kube-proxy-$(openssl rand -hex 3 | tr 0-9 a-j | cut -c1-5)
  namespace: kube-system
  uid: $(cat /proc/sys/kernel/random/uuid)
  labels:
    k8s-app: kube-proxy
    pod-template-generation: "1"
  ownerReferences:
  - apiVersion: apps/v1
    kind: DaemonSet
    name: kube-proxy
spec:
  containers:
  - command:
$(for a in kube-proxy $(proxy_args "$node"); do echo "    - $a"; done)
    image: k8s.gcr.io/kube-proxy:v1.20.11
    name: kube-proxy
    securityContext:
      privileged: true
  hostNetwork: true
  nodeName: $node
  priorityClassName: system-node-critical
YAML
}

# One rootfs for every lab image: the usr-merged layout and the mount points; /usr itself is bound from the host.
make_lab_rootfs() {
  local r=$LAB_RUN_DIR/images/rootfs
  mkdir -p "$r"/{usr,etc,proc,sys,dev,tmp,run,var/lib,var/log}
  ln -sfn usr/bin "$r/bin"; ln -sfn usr/sbin "$r/sbin"; ln -sfn usr/lib "$r/lib"; ln -sfn usr/lib64 "$r/lib64"
  tar -C "$r" -cf "$LAB_RUN_DIR/images/rootfs.tar" .
  # The node's docker CLI is Debian's 20.10 (another `docker` may sit in /usr/local/bin).
  ln -sfn /usr/bin/docker "$LAB_RUN_DIR/sbin/docker"
}

docker_answers() { node_exec "$1" docker version --format '{{.Server.Version}}'; }
docker_ready() { wait_for 120 "dockerd on $1" docker_answers "$1"; }

# A running container named as dockershim names kube-proxy's (k8s_kube-proxy_POD_kube-system_UID_ATTEMPT).
proxy_container_on() { [[ -n $(node_exec "$1" docker ps -q --filter name=^/k8s_kube-proxy_ 2>/dev/null) ]]; }

# `down`: the cgroups that containers of killed nodes leave behind (empty once their processes are gone).
remove_docker_cgroups() {
  local prefix=$1 dir
  for dir in /sys/fs/cgroup/*/"$prefix"-node*; do
    [[ -d $dir ]] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  return 0
}
