# A real OpenSSH sshd per node with its own host key, listening on every address, IPv4 and IPv6 (Debian's default:
# no ListenAddress; it is what makes a hijacked address answer with the local node's host key, and what lets a
# neighbour reach it over IPv6 link-local around the hijack). Root logs in with the lab's key.

make_client_key() {
  local s=$LAB_RUN_DIR/ssh; mkdir -p "$s"
  ssh-keygen -q -t ed25519 -N '' -C "kube-recover-lab" -f "$s/id_ed25519"
  : > "$s/known_hosts"
}

make_node_sshd() {
  local node=$1 e; e=$(node_dir "$node")/etc-ssh
  mkdir -p "$e"
  ssh-keygen -q -t ed25519 -N '' -C "root@$node" -f "$e/ssh_host_ed25519_key"
  cp /etc/ssh/moduli /etc/ssh/ssh_config "$e/" 2>/dev/null || true
  cp "$LAB_RUN_DIR/ssh/id_ed25519.pub" "$e/authorized_keys"
  cat > "$e/sshd_config" <<CONF
# kube-recover lab node $node
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile /etc/ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
MaxStartups 100:30:200
PidFile /run/sshd.pid
SetEnv PATH=$LAB_NODE_PATH
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
}

# known_hosts: each node address -> that node's host key (built after all keys exist; order = node order).
make_known_hosts() {
  local n
  for n in $(lab_nodes); do
    echo "$(node_addr "$n") $(cut -d' ' -f1,2 "$(node_dir "$n")/etc-ssh/ssh_host_ed25519_key.pub")"
  done > "$LAB_RUN_DIR/ssh/known_hosts"
}

# The node whose host key ADDR presents, as seen from NODE ("none" when nothing answers).
host_key_owner() {
  local from=$1 addr=$2 key n
  key=$(node_exec "$from" timeout 15 ssh-keyscan -T 10 -t ed25519 "$addr" 2>/dev/null | awk '{print $3}')
  [[ -z $key ]] && { echo none; return; }
  for n in $(lab_nodes); do
    [[ $(cut -d' ' -f2 "$(node_dir "$n")/etc-ssh/ssh_host_ed25519_key.pub") == "$key" ]] && { echo "$n"; return; }
  done
  echo unknown
}

# ssh from one node to an address, checking the host key against the lab's known_hosts.
lab_ssh() {
  local from=$1 addr=$2; shift 2
  node_exec "$from" timeout 15 ssh -i "$LAB_RUN_DIR/ssh/id_ed25519" -o UserKnownHostsFile="$LAB_RUN_DIR/ssh/known_hosts" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR "root@$addr" "$@"
}

# The operator's key and known_hosts in every node's own /root/.ssh, as an admin's home holds them: a console with
# no inventory uses ~/.ssh's defaults (issue 13). The node's `ssh` client finds them there too.
give_operator_ssh() {
  local n d
  for n in $(lab_nodes); do
    d=$(node_dir "$n")/root/.ssh
    mkdir -p "$d"; chmod 700 "$d"
    cp "$LAB_RUN_DIR/ssh/id_ed25519" "$LAB_RUN_DIR/ssh/id_ed25519.pub" "$LAB_RUN_DIR/ssh/known_hosts" "$d/"
    chmod 600 "$d/id_ed25519"
  done
}
