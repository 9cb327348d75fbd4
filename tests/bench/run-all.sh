#!/usr/bin/env bash
# Every kube-recover figure in one go: recovery at scale against the manual runbook (recover-scale.sh), diagnose on
# 30 nodes (diagnose-scale.sh), then the etcd scan of 10,000 Services against etcdctl (etcd-scan.sh). Prints the
# tables; each script also prints the command that reproduces it. About 40-60 minutes on a loaded 2-core machine.
#
#   sudo tests/bench/run-all.sh [--sizes "3 10 30"] [--runs 3] [--diagnose-nodes 30]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sizes="3 10 30" runs=3 dnodes=30
while (($#)); do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --diagnose-nodes) dnodes=$2; shift 2 ;;
    *) echo "usage: $0 [--sizes \"3 10 30\"] [--runs 3] [--diagnose-nodes 30]" >&2; exit 2 ;;
  esac
done
echo "kube-recover benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
"$here/recover-scale.sh" --sizes "$sizes" --runs "$runs"
echo
"$here/diagnose-scale.sh" --nodes "$dnodes" --runs "$runs"
echo
echo "== etcd scan (etcd-scan.sh)"
"$here/etcd-scan.sh"
echo
echo "reproduce all: sudo tests/bench/run-all.sh --sizes \"$sizes\" --runs $runs --diagnose-nodes $dnodes"
