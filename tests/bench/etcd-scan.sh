#!/usr/bin/env bash
# Prints kube-recover's etcd figures: storage codec throughput (decode and strip of Services), and the time to
# scan 10,000 Services in a real etcd 3.4 (TLS) against `etcdctl get --prefix /registry/services/specs/ >/dev/null`
# in the same run (median of 3). The measurements live in tests/Recovery.Tests/Kubernetes/Benchmarks.cs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export KUBE_RECOVER_BENCH=1
echo "machine: $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg) (figures scale with load)"
dotnet test tests/Recovery.Tests -c Release --filter "FullyQualifiedName~Recovery.Tests.Kubernetes.Benchmarks" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "FIGURE|Passed!|Failed!|error" | sed -e 's/^ *FIGURE /  /'
