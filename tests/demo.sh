#!/usr/bin/env bash
# The tool doing its main job, end to end, on the lab (tests/lab): bring up a 3-node cluster in network
# namespaces, break it the way the original incident did (externalIPs = node1's own address, kube-proxy in IPVS
# mode), then from node2's console, with nothing written (the inventory discovered from etcd, SSH from root's
# ~/.ssh): inventory, diagnose, plan, recover; and check the cluster's state before and after.
# Needs root. Usage: sudo tests/demo.sh [--nodes N] [--proxy-manager systemd|static-pod|custom] [--keep]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lab="$root/tests/lab/lab.sh"
keep=no; up_args=()
while (($#)); do
  case $1 in
    --keep) keep=yes ;;
    --nodes|--proxy-manager|--bind-owner) up_args+=("$1" "$2"); shift ;;
    *) echo "usage: $0 [--nodes N] [--proxy-manager systemd|static-pod|custom] [--bind-owner yes|no] [--keep]" >&2; exit 2 ;;
  esac; shift
done
[[ $EUID == 0 ]] || { echo "demo.sh: run as root (the lab uses network namespaces)" >&2; exit 2; }
export LAB_RUN_DIR=${LAB_RUN_DIR:-$root/tests/lab/.run/demo}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

bash "$root/tests/lab/install.sh"
say "build kube-recover"
dotnet build "$root/src/Recovery.Cli" -c Release --nologo -v quiet
kr="$root/src/Recovery.Cli/bin/Release/net10.0/kube-recover"

[[ $keep == yes ]] || trap 'say "lab down"; bash "$lab" down' EXIT
say "lab up ${up_args[*]}"
bash "$lab" up "${up_args[@]}"
eval "$(bash "$lab" env)"
console() { bash "$lab" console node2 -- "$@"; }

say "break: kubectl patch svc nginx-service -p '{\"spec\":{\"externalIPs\":[\"$LAB_ADDR_node1\"]}}'"
bash "$lab" break
say "symptoms (lab.sh status)"
bash "$lab" status | grep -E 'kube_ipvs0|route\.node1|ssh\.node1|kubectl' || true

say "kube-recover inventory (read-only): what it found on node2, with no -i"
console "$kr" inventory
say "kube-recover diagnose (read-only), from node2's console"
console "$kr" diagnose || [[ $? == 3 ]]
say "kube-recover plan (read-only)"
console "$kr" plan
say "kube-recover recover --yes"
time console "$kr" recover --yes --state-dir "$LAB_RUN_DIR/recover-state"

say "after: lab.sh status"
bash "$lab" status | grep -E 'kube_ipvs0|route\.node1|ssh\.node1|kubectl|kube_proxy=' || true
say "after: kubectl get svc -A from node3"
bash "$lab" console node3 -- "$LAB_KUBECTL" get services --all-namespaces
say "a second recover is a no-op (this time with the written inventory, -i)"
console "$kr" recover -i "$LAB_INVENTORY" --yes --state-dir "$LAB_RUN_DIR/recover-state-2"
