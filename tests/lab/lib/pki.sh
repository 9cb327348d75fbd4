# PKI laid out like kubeadm's, made with openssl: ECDSA P-256 keys (SEC1 "EC PRIVATE KEY", as kubeadm
# writes ECDSA keys), X.509 v3 with the key usages Go (kubectl, etcd) checks.

_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; chmod 600 "$1"; }

# _ca DIR/NAME CN
_ca() {
  _key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 3650 -sha256 -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
}

# _cert CA OUT SUBJECT EXTKEYUSAGE [SANS]
_cert() {
  local ca=$1 out=$2 subj=$3 eku=$4 sans=${5:-}
  _key "$out.key"
  local ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=$eku
authorityKeyIdentifier=keyid"
  [[ -n $sans ]] && ext+=$'\n'"subjectAltName=$sans"
  openssl req -new -key "$out.key" -subj "$subj" 2>/dev/null |
    openssl x509 -req -CA "$ca.crt" -CAkey "$ca.key" -set_serial "0x$(openssl rand -hex 8)" -days 3650 -sha256 \
      -extfile <(echo "$ext") -out "$out.crt" 2>/dev/null
}

# Cluster-wide: the two CAs and the client certificates every node carries.
make_cluster_pki() {
  local p=$LAB_RUN_DIR/pki; mkdir -p "$p/etcd"
  _ca "$p/ca" kubernetes
  _ca "$p/etcd/ca" etcd-ca
  _cert "$p/etcd/ca" "$p/etcd/healthcheck-client" "/O=system:masters/CN=kube-etcd-healthcheck-client" clientAuth
  _cert "$p/etcd/ca" "$p/apiserver-etcd-client" "/O=system:masters/CN=kube-apiserver-etcd-client" clientAuth
  _cert "$p/ca" "$p/admin" "/O=system:masters/CN=kubernetes-admin" clientAuth
  _cert "$p/ca" "$p/kube-proxy" "/CN=system:kube-proxy" clientAuth
}

# Per node, at kubeadm's paths: CAs everywhere; etcd server/peer and apiserver serving certs on control planes.
make_node_pki() {
  local node=$1 p=$LAB_RUN_DIR/pki addr node1; addr=$(node_addr "$node"); node1=$(node_addr node1)
  local k; k=$(node_dir "$node")/etc/kubernetes/pki; mkdir -p "$k/etcd"
  cp "$p/ca.crt" "$k/"; cp "$p/etcd/ca.crt" "$k/etcd/"
  is_control_plane "$node" || return 0
  cp "$p/ca.key" "$k/"; cp "$p/etcd/ca.key" "$k/etcd/"
  cp "$p/etcd/healthcheck-client".{crt,key} "$k/etcd/"; cp "$p/apiserver-etcd-client".{crt,key} "$k/"
  local etcd_sans="DNS:$node,DNS:localhost,IP:$addr,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"
  _cert "$p/etcd/ca" "$k/etcd/server" "/CN=$node" serverAuth,clientAuth "$etcd_sans"
  _cert "$p/etcd/ca" "$k/etcd/peer" "/CN=$node" serverAuth,clientAuth "$etcd_sans"
  _cert "$p/ca" "$k/apiserver" "/CN=kube-apiserver" serverAuth \
    "DNS:$node,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1,IP:$addr,IP:$node1,IP:127.0.0.1"
}

# kubeconfig SERVER CLIENT-CERT-BASENAME USER: embedded data, like kubeadm's admin.conf.
kubeconfig() {
  local server=$1 cert=$2 user=$3 p=$LAB_RUN_DIR/pki
  cat <<YAML
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: $(base64 -w0 "$p/ca.crt")
    server: $server
  name: lab
contexts:
- context:
    cluster: lab
    user: $user
  name: $user@lab
current-context: $user@lab
preferences: {}
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$cert.crt")
    client-key-data: $(base64 -w0 "$cert.key")
YAML
}

# Every node's kubeconfigs point at node1's address, as in the seed.
make_node_kubeconfigs() {
  local node=$1 d server p=$LAB_RUN_DIR/pki; d=$(node_dir "$node"); server="https://$(node_addr node1):6443"
  kubeconfig "$server" "$p/admin" kubernetes-admin > "$d/etc/kubernetes/admin.conf"
  cp "$d/etc/kubernetes/admin.conf" "$d/root/.kube/config"
  kubeconfig "$server" "$p/kube-proxy" system:kube-proxy > "$d/etc/kubernetes/kube-proxy.kubeconfig"
  chmod 600 "$d/etc/kubernetes/admin.conf" "$d/root/.kube/config" "$d/etc/kubernetes/kube-proxy.kubeconfig"
}
