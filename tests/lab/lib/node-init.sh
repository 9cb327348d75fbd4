#!/usr/bin/env bash
# PID 1 of one lab node (run by `unshare --pid --fork --mount-proc --uts --mount --net`).
# Gives the node its own hostname, machine-id and the per-node folders a kubeadm/kubeasz node has, with
# mounts that exist only in this node's mount namespace:
#   /etc, /var/lib, /var/log  overlays: the host's content below, the node's own files above (so new folders
#                           such as /etc/kubernetes need no mount point on the host, which another process
#                           could remove under a running lab)
#   /root, /etc/ssh, /etc/systemd/system, /run   the node's own folders (bind mounts): root's home is the
#                           node's, so the host's dotfiles (a ~/.bashrc that hangs, say) never run in SSH sessions
#   /usr/local/sbin, /usr/bin/systemctl   the lab's tools (systemctl stand-in, lab-kube-proxy, kubectl)
#   /sys/fs/cgroup, /var/lib/docker   (daemonset-docker only) the host's cgroups, the node's own Docker data-root
# /tmp and the checkout stay shared with the host. Then it stays alive reaping orphans (bash reaps any child
# on SIGCHLD) until it is killed; the kernel then kills every process of the node.
set -euo pipefail
prefix=$1 node=$2 run=$3
d=$run/nodes/$node
docker=no; grep -qx 'proxy_manager=daemonset-docker' "$run/options" && docker=yes
# dockerd needs the cgroup hierarchies that the sysfs below hides: held aside, put back on top of it.
[[ $docker == yes ]] && { mkdir -p "$d/cgroup"; mount --rbind /sys/fs/cgroup "$d/cgroup"; }
mount -t sysfs sysfs /sys                      # /sys/class/net of this network namespace
[[ $docker == yes ]] && mount --move "$d/cgroup" /sys/fs/cgroup
hostname "$node"
for m in etc var-lib var-log; do
  target=/${m/-//}
  mount -t overlay "lab-$node-$m" -o "lowerdir=$target,upperdir=$d/$m,workdir=$d/work/$m" "$target"
done
mount --bind "$d/root" /root
mount --bind "$d/etc-ssh" /etc/ssh
mount --bind "$d/etc-systemd-system" /etc/systemd/system
mount --bind "$run/sbin" /usr/local/sbin
mount --bind "$run/sbin/systemctl" /usr/bin/systemctl
mount --bind "$d/run" /run
# Docker's data-root on the host's file system, not on the /var/lib overlay (no overlay-on-overlay surprises).
[[ $docker == yes ]] && { mkdir -p /var/lib/docker; mount --bind "$d/docker" /var/lib/docker; }
touch /run/lab-init-ready
echo "lab node $node (prefix $prefix) ready"
trap '' TERM INT HUP
while :; do sleep 3600 & wait $! || true; done
