#!/usr/bin/env bash
# Produces services-list.json with the real kubectl 1.20 (tests/lab/.tools/kubectl, from tests/lab/install.sh):
# kubectl reads the objects below and prints them as `-o json` does for several objects (a v1 List).
# No API server is involved (`kubectl patch --local` with an empty patch): the objects are written in the shape the API server returns
# (clusterIP, status), with the seed incident's Service (externalIP = node1's address), a MetalLB-style
# LoadBalancer whose ingress IP is node3's address, a Service with several externalIPs, and a plain ClusterIP.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kubectl="${KUBECTL:-$here/../../../lab/.tools/kubectl}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/services.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default, uid: 5b1a2d9e-3c1f-4f7e-9a51-0d3f2b7c8e01, resourceVersion: "196", creationTimestamp: "2026-11-20T08:00:00Z", labels: {component: apiserver, provider: kubernetes}}
spec: {clusterIP: 10.96.0.1, clusterIPs: [10.96.0.1], type: ClusterIP, sessionAffinity: None, ports: [{name: https, port: 443, protocol: TCP, targetPort: 6443}]}
status: {loadBalancer: {}}
---
apiVersion: v1
kind: Service
metadata: {name: nginx-service, namespace: default, uid: 9c0e8f3a-7d42-4b0c-8f6e-2a1b3c4d5e6f, resourceVersion: "48213", creationTimestamp: "2026-11-24T09:12:44Z"}
spec: {clusterIP: 10.96.112.7, clusterIPs: [10.96.112.7], type: ClusterIP, sessionAffinity: None, externalIPs: [10.77.0.11], selector: {app: zgz}, ports: [{port: 80, protocol: TCP, targetPort: http-web-svc}]}
status: {loadBalancer: {}}
---
apiVersion: v1
kind: Service
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx, uid: 0f4e2a61-58b3-4d7c-b2e9-71c6a8d3f204, resourceVersion: "51022", creationTimestamp: "2026-11-24T10:02:13Z", labels: {app.kubernetes.io/name: ingress-nginx}}
spec: {clusterIP: 10.96.45.210, clusterIPs: [10.96.45.210], type: LoadBalancer, sessionAffinity: None, externalTrafficPolicy: Cluster, selector: {app.kubernetes.io/name: ingress-nginx}, ports: [{name: http, nodePort: 31080, port: 80, protocol: TCP, targetPort: http}, {name: https, nodePort: 31443, port: 443, protocol: TCP, targetPort: https}]}
status: {loadBalancer: {ingress: [{ip: 10.77.0.13}]}}
---
apiVersion: v1
kind: Service
metadata: {name: legacy-gw, namespace: ops, uid: 3e7d5c1b-9a2f-4e60-8b14-c5d6e7f80912, resourceVersion: "52877", creationTimestamp: "2026-11-24T11:40:05Z"}
spec: {clusterIP: 10.96.201.33, clusterIPs: [10.96.201.33], type: ClusterIP, sessionAffinity: None, externalIPs: [10.77.0.250, 10.77.0.12], selector: {app: gw}, ports: [{port: 8443, protocol: TCP, targetPort: 8443}]}
status: {loadBalancer: {}}
---
apiVersion: v1
kind: Service
metadata: {name: cloud-lb, namespace: web, uid: 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d, resourceVersion: "53001", creationTimestamp: "2026-11-24T12:00:00Z"}
spec: {clusterIP: 10.96.9.9, clusterIPs: [10.96.9.9], type: LoadBalancer, sessionAffinity: None, externalTrafficPolicy: Cluster, selector: {app: web}, ports: [{nodePort: 30080, port: 80, protocol: TCP, targetPort: 8080}]}
status: {loadBalancer: {ingress: [{hostname: a1b2c3.elb.example.com}]}}
YAML
"$kubectl" patch --local -f "$tmp/services.yaml" --type merge -p "{}" -o json > "$here/services-list.json"
"$kubectl" version --client --short > "$here/kubectl-version.txt" 2>/dev/null || "$kubectl" version --client > "$here/kubectl-version.txt"

# `kubectl get services -A -o json` when the API server refuses the connection (inside a fresh network namespace,
# kr-facts-$$, nothing listening): kubectl 1.20 prints an EMPTY List on stdout and the error on stderr, exit 1.
ns="kr-facts-$$"
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
ip -n "$ns" link set lo up
cat > "$tmp/kubeconfig" <<'KC'
apiVersion: v1
kind: Config
clusters:
- cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
  name: lab
contexts:
- context: {cluster: lab, user: admin}
  name: lab
current-context: lab
users:
- name: admin
  user: {token: "not-a-secret"}
KC
set +e
ip netns exec "$ns" "$kubectl" --kubeconfig "$tmp/kubeconfig" --request-timeout=5s get services -A -o json \
  > "$here/get-services-refused.stdout" 2> "$here/get-services-refused.stderr"
echo "exit $?" > "$here/get-services-refused.exit"
