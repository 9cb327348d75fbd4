#!/usr/bin/env bash
# kube-recover lab: a locked-out-able Kubernetes cluster on one machine, in namespaces (DESIGN.md, "The lab").
#
#   lab.sh up [--nodes N] [--proxy-manager systemd|static-pod|custom|daemonset-docker] [--bind-owner yes|no] [--proxy-mode ipvs|iptables]
#             [--ipv6 on|off] [--sync-period 1s|30s|...] [--flavor kubeadm|k3s] [--bastion yes|no] [--controller none|reapply|lb-pool]
#   lab.sh break [--ip ADDR]... [--all-nodes] [--service NS/NAME] [--lb-ingress]
#   lab.sh status | env | down
#   lab.sh console NODE [-- CMD...]     (no CMD: an interactive shell in the node; NODE may be bastion)
#   lab.sh api down|up
#   lab.sh measure                      (memory of the lab's processes)
#
# State lives in $LAB_RUN_DIR (default tests/lab/.run/lab); set it to run several labs side by side.
# Needs root, and the packages of tests/lab/install.sh.
set -euo pipefail
LAB_HOME=$(cd "$(dirname "$0")" && pwd)
for f in common namespaces pki sshd etcd kube proxy docker k3s standins inventory cluster status down measure bastion controllers; do
  # shellcheck source=/dev/null
  source "$LAB_HOME/lib/$f.sh"
done

usage() { sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
need_root() { [[ $EUID == 0 ]] || die "must run as root (namespaces, mounts)"; }
need_lab() { [[ -f $LAB_RUN_DIR/prefix ]] || die "no lab in $LAB_RUN_DIR (run: lab.sh up)"; }

lab_alive() {
  [[ -f $LAB_RUN_DIR/up-complete ]] || return 1
  pid_alive "$(switch_pid)" || return 1
  local n; for n in $(lab_nodes); do pid_alive "$(node_pid "$n")" || return 1; done
}

prepare_node_dirs() {
  local node=$1 d; d=$(node_dir "$node")
  mkdir -p "$d"/{etc/kubernetes/manifests,var-lib/kube-proxy,var-lib/etcd,root/.kube,etc-ssh,etc-systemd-system,run/sshd}
  mkdir -p "$d"/var-log "$d"/work/{etc,var-lib,var-log}; chmod 700 "$d/root"
  chmod 700 "$d/var-lib/etcd"
  echo "$node" > "$d/etc/hostname"
  openssl rand -hex 16 > "$d/etc/machine-id"
  make_node_pki "$node"; make_node_kubeconfigs "$node"; make_node_sshd "$node"; make_node_ssh_unit "$node"
  make_node_etcd_unit "$node"; make_node_kubelet_unit "$node"; make_node_apiserver_manifest "$node"
  make_node_proxy_config "$node"; make_node_proxy "$node"
  if is_k3s; then make_node_k3s "$node"; fi
}

start_node() { start_node_init "$1"; wire_node "$1"; }
start_units() { node_exec "$1" systemctl start $(node_units "$1"); }
start_custom_proxy() { node_exec "$1" /usr/local/sbin/lab-kube-proxy start; }
ssh_ready() { node_exec "$1" timeout 3 bash -c "</dev/tcp/$(node_addr "$1")/22"; }
etcd_ready() { etcd_healthy_from node1; }
proxy_ready() { wait_for 120 "kube-proxy on $1" proxy_mode_on "$1"; }

cmd_up() {
  need_root
  local nodes=3 manager=systemd owner=yes mode=ipvs ipv6=on sync=1s flavor=kubeadm bastion=no controller=none
  while (($#)); do
    case $1 in
      --nodes) nodes=$2; shift ;;
      --proxy-manager) manager=$2; shift ;;
      --bind-owner) owner=$2; shift ;;
      --proxy-mode) mode=$2; shift ;;
      --ipv6) ipv6=$2; shift ;;
      --sync-period) sync=$2; shift ;;
      --flavor) flavor=$2; shift ;;
      --bastion) bastion=$2; shift ;;
      --controller) controller=$2; shift ;;
      *) die "up: unknown option '$1' (expected --nodes N, --proxy-manager systemd|static-pod|custom|daemonset-docker, --bind-owner yes|no, --proxy-mode ipvs|iptables, --ipv6 on|off, --sync-period DURATION, --flavor kubeadm|k3s, --bastion yes|no, --controller none|reapply|lb-pool)" ;;
    esac; shift
  done
  [[ $nodes =~ ^[0-9]+$ ]] && ((nodes >= 1 && nodes <= 200)) || die "--nodes: expected 1..200, got '$nodes'"
  [[ $manager =~ ^(systemd|static-pod|custom|daemonset-docker|k3s)$ ]] || die "--proxy-manager: expected systemd|static-pod|custom|daemonset-docker, got '$manager'"
  [[ $flavor =~ ^(kubeadm|k3s)$ ]] || die "--flavor: expected kubeadm|k3s, got '$flavor'"
  # k3s runs kube-proxy inside its own process (lib/k3s.sh): the flavor is the proxy manager.
  if [[ $flavor == k3s ]]; then [[ $manager =~ ^(systemd|k3s)$ ]] || die "--flavor k3s runs kube-proxy inside k3s: no --proxy-manager"; manager=k3s; fi
  [[ $manager != k3s || $flavor == k3s ]] || die "--proxy-manager k3s: expected --flavor k3s instead"
  [[ $owner =~ ^(yes|no)$ ]] || die "--bind-owner: expected yes|no, got '$owner'"
  [[ $mode =~ ^(ipvs|iptables)$ ]] || die "--proxy-mode: expected ipvs|iptables, got '$mode'"
  [[ $ipv6 =~ ^(on|off)$ ]] || die "--ipv6: expected on|off, got '$ipv6'"
  # kube-proxy's ipvs.syncPeriod (the lab's default 1 s keeps tests fast; upstream's default is 30s).
  [[ $sync =~ ^[1-9][0-9]*(s|m)$ ]] || die "--sync-period: expected a whole number of seconds or minutes such as 1s or 30s, got '$sync'"
  [[ $bastion =~ ^(yes|no)$ ]] || die "--bastion: expected yes|no, got '$bastion'"
  [[ $controller =~ ^(none|reapply|lb-pool)$ ]] || die "--controller: expected none|reapply|lb-pool, got '$controller'"
  [[ $bastion == no ]] || ((nodes >= 2)) || die "--bastion yes: needs node1 (the console) and node2 (behind it); expected --nodes 2 or more"
  local options="nodes=$nodes"$'\n'"proxy_manager=$manager"$'\n'"bind_owner=$owner"$'\n'"proxy_mode=$mode"$'\n'"ipv6=$ipv6"$'\n'"sync_period=$sync"
  [[ $bastion == no ]] || options+=$'\n'"bastion=$bastion"
  [[ $controller == none ]] || options+=$'\n'"controller=$controller"
  if [[ -z ${LAB_UP_TOKEN:-} ]]; then
    if lab_alive && [[ $(cat "$LAB_RUN_DIR/options") == "$options" ]]; then log "already up ($(lab_prefix))"; return 0; fi
    [[ -e $LAB_RUN_DIR ]] && { log "replacing the previous lab in $LAB_RUN_DIR"; lab_down; }
    [[ -x $LAB_KUBECTL ]] || die "kubectl 1.20 missing at $LAB_KUBECTL (run tests/lab/install.sh)"
    mkdir -p "$LAB_RUN_DIR/pids"
    echo "kr$(openssl rand -hex 3)" > "$LAB_RUN_DIR/prefix"          # first: makes everything below findable
    # Every process of this `up` (and of the nodes) carries the prefix in its environment from here on, so
    # `down` finds them even when `up` was killed halfway.
    exec env LAB_UP_TOKEN="$(lab_prefix)" bash "$0" up --nodes "$nodes" --proxy-manager "$manager" --flavor "$flavor" --bind-owner "$owner" --proxy-mode "$mode" --ipv6 "$ipv6" --sync-period "$sync" --bastion "$bastion" --controller "$controller"
  fi

  local t0=$SECONDS
  echo "$options" > "$LAB_RUN_DIR/options"
  seq 1 "$nodes" | sed 's/^/node/' > "$LAB_RUN_DIR/nodes.list"
  log "up: $nodes nodes, prefix $(lab_prefix), kube-proxy by $manager in $mode mode, bind-owner $owner, IPv6 $ipv6, sync period $sync, in $LAB_RUN_DIR"

  publish_standins
  mkdir -p "$LAB_RUN_DIR/sbin"
  cp "$LAB_HOME/lib/systemctl" "$LAB_RUN_DIR/sbin/systemctl"
  sed -e "s|@BIN@|$(bin_dir)|" -e "s|@BIND_OWNER@|$owner|" "$LAB_HOME/lib/lab-kube-proxy" > "$LAB_RUN_DIR/sbin/lab-kube-proxy"
  chmod +x "$LAB_RUN_DIR/sbin/"*
  ln -s "$LAB_KUBECTL" "$LAB_RUN_DIR/sbin/kubectl"
  [[ $manager == daemonset-docker ]] && make_lab_rootfs
  make_cluster_pki; make_client_key
  lab_nodes | for_nodes prepare_node_dirs
  if [[ $bastion == yes ]]; then prepare_bastion; fi
  make_known_hosts; give_operator_ssh; write_inventory
  if [[ $bastion == yes ]]; then bastion_client_files; fi

  start_switch
  lab_nodes | for_nodes start_node
  log "namespaces ready (+$((SECONDS - t0))s)"
  lab_nodes | for_nodes start_units
  if [[ $manager == custom ]]; then lab_nodes | for_nodes start_custom_proxy; fi
  if [[ $manager == daemonset-docker ]]; then lab_nodes | for_nodes docker_ready; log "dockerd up (+$((SECONDS - t0))s)"; fi
  lab_nodes | for_nodes _wait_ssh
  wait_for 120 "etcd cluster health" etcd_ready || die "etcd did not become healthy"
  log "etcd healthy (+$((SECONDS - t0))s)"
  local n; for n in $(control_plane_nodes); do wait_for 180 "apiserver on $n" api_answers_on "$n" || die "apiserver on $n did not answer"; done
  register_nodes || die "registering Node objects failed"
  lab_nodes | for_nodes proxy_ready
  if [[ $bastion == yes ]]; then start_bastion; log "bastion up: node2 through $BASTION_ADDR"; fi
  controller_start "$controller"
  touch "$LAB_RUN_DIR/up-complete"
  log "up in $((SECONDS - t0))s"
}
_wait_ssh() { wait_for 60 "sshd on $1" ssh_ready "$1"; }

cmd_break() {
  need_root; need_lab
  local ips=() ns=default name=nginx-service lb=no all=no ip n
  while (($#)); do
    case $1 in
      --ip) [[ $2 =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}$ ]] || die "--ip: expected an IPv4 address, got '$2'"; ips+=("$2"); shift ;;
      --all-nodes) all=yes ;;
      --service) [[ $2 =~ ^[a-z0-9-]+/[a-z0-9-]+$ ]] || die "--service: expected NAMESPACE/NAME, got '$2'"; ns=${2%/*}; name=${2#*/}; shift ;;
      --lb-ingress) lb=yes ;;
      *) die "break: unknown option '$1' (expected --ip ADDR (more than once), --all-nodes, --service NS/NAME, --lb-ingress)" ;;
    esac; shift
  done
  if [[ $all == yes ]]; then
    ((${#ips[@]} == 0)) || die "break: --all-nodes claims every node address; give it without --ip"
    for n in $(lab_nodes); do ips+=("$(node_addr "$n")"); done
  fi
  ((${#ips[@]})) || ips=("$(node_addr node1)")
  lab_break "$ns" "$name" "$lb" "${ips[@]}"
}

cmd_console() {
  need_root; need_lab
  local node=${1:-}; [[ -n $node ]] || die "console: expected NODE [-- CMD...]"; shift
  local known; known=" $(lab_nodes | xargs) "; [[ $(lab_option bastion) == yes ]] && known+="bastion "
  [[ $known == *" $node "* ]] || die "console: no node '$node' (nodes:$known)"
  [[ ${1:-} == -- ]] && shift
  (($#)) || set -- bash -l
  node_exec "$node" "$@"
}

cmd_api() {
  need_root; need_lab
  case ${1:-} in down) api_down ;; up) api_up ;; *) die "api: expected down|up" ;; esac
}

cmd=${1:-}; shift || true
case $cmd in
  up) cmd_up "$@" ;;
  break) cmd_break "$@" ;;
  status) need_root; need_lab; lab_status ;;
  console) cmd_console "$@" ;;
  api) cmd_api "$@" ;;
  env) print_env ;;
  measure) need_root; need_lab; lab_measure ;;
  down) need_root; lab_down ;;
  *) usage ;;
esac
