# `up --bastion yes`: a jump host that reaches node2 only (issue 13: ~/.ssh/config with ProxyJump through a bastion).
# Its own namespaces like a node (node-init.sh; sshd with its own host key, root logs in with the lab's key), but not
# on the lab's bridge: one veth to node2 (10.78.0.1 <-> 10.78.0.2, and a route to node2's address through it) and one
# to node1, the operator's console (10.78.1.1 <-> 10.78.1.2). It forwards no packets (a new namespace's ip_forward is
# off): node2 is reached through it by SSH forwarding only, and node2's sshd sees those logins from 10.78.0.1.
# $LAB_RUN_DIR/ssh/bastion_config is a ~/.ssh/config that reaches node2 through it; known_hosts holds its key.

BASTION_ADDR=10.78.1.1          # the bastion as node1 sees it
BASTION_NODE2_SIDE=10.78.0.1    # the bastion as node2 sees it

prepare_bastion() {
  local d; d=$(node_dir bastion)
  mkdir -p "$d"/{root,etc,var-lib,var-log,etc-ssh,etc-systemd-system,run/sshd} "$d"/work/{etc,var-lib,var-log}
  chmod 700 "$d/root"
  echo bastion > "$d/etc/hostname"
  make_node_sshd bastion; make_node_ssh_unit bastion
}

# After make_known_hosts: the bastion's key under the address node1 reaches it at, and the ssh config that uses it.
bastion_client_files() {
  echo "$BASTION_ADDR $(cut -d' ' -f1,2 "$(node_dir bastion)/etc-ssh/ssh_host_ed25519_key.pub")" >> "$LAB_RUN_DIR/ssh/known_hosts"
  cat > "$LAB_RUN_DIR/ssh/bastion_config" <<CONF
# kube-recover lab $(lab_prefix): node2 through the bastion (lab.sh up --bastion yes)
Host node2 $(node_addr node2)
  ProxyJump bastion
Host bastion
  HostName $BASTION_ADDR
  User root
CONF
}

start_bastion() {
  start_node_init bastion
  local b n1 n2; b=$(node_pid bastion); n1=$(node_pid node1); n2=$(node_pid node2)
  # Every veth is made inside the bastion's namespace and its peer moved to the node: nothing in the host's.
  nsenter -t "$b" -n sh -c "ip link set lo up &&
    ip link add bst-node2 type veth peer name bastion0 netns $n2 &&
    ip link add bst-node1 type veth peer name bastion0 netns $n1"
  nsenter -t "$n2" -n sh -c "ip addr add 10.78.0.2/30 dev bastion0 && ip link set bastion0 up"
  nsenter -t "$n1" -n sh -c "ip addr add 10.78.1.2/30 dev bastion0 && ip link set bastion0 up"
  nsenter -t "$b" -n sh -c "ip addr add $BASTION_NODE2_SIDE/30 dev bst-node2 && ip link set bst-node2 up &&
    ip addr add $BASTION_ADDR/30 dev bst-node1 && ip link set bst-node1 up &&
    ip route add $(node_addr node2)/32 via 10.78.0.2 dev bst-node2"
  node_exec bastion systemctl start ssh
  wait_for 60 "sshd on the bastion" node_exec node1 timeout 3 bash -c "</dev/tcp/$BASTION_ADDR/22" || die "the bastion's sshd did not answer from node1"
  wait_for 60 "node2 from the bastion" node_exec bastion timeout 3 bash -c "</dev/tcp/$(node_addr node2)/22" || die "the bastion does not reach node2"
}
