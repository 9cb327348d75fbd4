# Real etcd 3.4 (Debian etcd-server), one member on each control-plane node, TLS everywhere with client
# certificates, at kubeadm's paths; a systemd unit per member (as kubeasz runs it).

etcd_initial_cluster() {
  local n out=(); for n in $(control_plane_nodes); do out+=("$n=https://$(node_addr "$n"):2380"); done
  local IFS=,; echo "${out[*]}"
}
etcd_endpoints() {
  local n out=(); for n in $(control_plane_nodes); do out+=("https://$(node_addr "$n"):2379"); done
  local IFS=,; echo "${out[*]}"
}

make_node_etcd_unit() {
  local node=$1 addr; addr=$(node_addr "$node")
  is_control_plane "$node" || return 0
  local arch_env=""; [[ $(uname -m) != x86_64 ]] && arch_env="Environment=ETCD_UNSUPPORTED_ARCH=$(dpkg --print-architecture)"
  cat > "$(node_dir "$node")/etc-systemd-system/etcd.service" <<UNIT
[Unit]
Description=Etcd Server (kube-recover lab)
After=network.target

[Service]
Type=notify
WorkingDirectory=/var/lib/etcd
$arch_env
ExecStart=/usr/bin/etcd \\
  --name=$node \\
  --data-dir=/var/lib/etcd \\
  --advertise-client-urls=https://$addr:2379 \\
  --listen-client-urls=https://127.0.0.1:2379,https://$addr:2379 \\
  --initial-advertise-peer-urls=https://$addr:2380 \\
  --listen-peer-urls=https://$addr:2380 \\
  --listen-metrics-urls=http://127.0.0.1:2381 \\
  --initial-cluster=$(etcd_initial_cluster) \\
  --initial-cluster-state=new \\
  --initial-cluster-token=kube-recover-lab \\
  --client-cert-auth=true \\
  --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt \\
  --cert-file=/etc/kubernetes/pki/etcd/server.crt \\
  --key-file=/etc/kubernetes/pki/etcd/server.key \\
  --peer-client-cert-auth=true \\
  --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt \\
  --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt \\
  --peer-key-file=/etc/kubernetes/pki/etcd/peer.key \\
  --snapshot-count=10000 \\
  --heartbeat-interval=250 \\
  --election-timeout=2500
Restart=always
RestartSec=2
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
UNIT
}

# etcdctl inside a node, with the healthcheck client certificate.
node_etcdctl() {
  local node=$1; shift
  node_exec "$node" env ETCDCTL_API=3 timeout 20 etcdctl --dial-timeout=3s --command-timeout=5s \
    --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt \
    --key=/etc/kubernetes/pki/etcd/healthcheck-client.key "$@"
}

etcd_healthy_from() { node_etcdctl "$1" --endpoints="$(etcd_endpoints)" endpoint health; }

# "member=healthy|unhealthy" per member, as seen from NODE.
etcd_member_health() {
  local from=$1 n tmp; tmp=$(mktemp -d)
  for n in $(control_plane_nodes); do
    { if node_etcdctl "$from" --endpoints="https://$(node_addr "$n"):2379" endpoint health >/dev/null 2>&1
      then echo "$n=healthy"; else echo "$n=unhealthy"; fi > "$tmp/$n"; } &
  done
  wait
  for n in $(control_plane_nodes); do cat "$tmp/$n"; done
  rm -rf "$tmp"
}

# Makes NODE's member the etcd leader (no-op when it is, or when NODE has no member).
# Why `break` does this: kube-proxy stand-ins poll every second, so they see the Service up to a second apart,
# where real ones see it within milliseconds (watch). If the first node to bind the owner's address is the
# leader, the owner's member loses the leader at once, the owner's apiserver (every kubeconfig's endpoint)
# stops answering, and the other nodes never learn of the Service: a partial lockout. With the owner as leader,
# the others still reach a quorum through it until all of them have bound the address: the seed's full lockout.
etcd_lead_from() {
  local node=$1 id
  is_control_plane "$node" || return 0
  id=$(node_etcdctl node1 --endpoints="$(etcd_endpoints)" member list | awk -F', ' -v n="$node" '$3 == n {print $1}')
  [[ -n $id ]] || return 1
  node_etcdctl node1 --endpoints="$(etcd_endpoints)" endpoint status | grep -q "$(node_addr "$node"):2379, $id, .*, true," && return 0
  node_etcdctl node1 --endpoints="$(etcd_endpoints)" move-leader "$id" >/dev/null
}
