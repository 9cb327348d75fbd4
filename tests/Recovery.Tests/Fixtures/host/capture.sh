#!/usr/bin/env bash
# Real answers of this machine (Debian 12) to probe commands whose tools are absent or idle here. Each file holds
# the exit code on its first line ("exit N"), then stdout. The /proxyMode and docker checks run inside a fresh
# network namespace (kr-facts-$$, removed on exit) so nothing leaves the machine.
set -uo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
ns="kr-facts-$$"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"; ip -n "$ns" link set lo up
run() { local file="$1"; shift; local o; o="$("$@" 2>/dev/null)"; local rc=$?; { echo "exit $rc"; printf '%s\n' "$o"; } > "$out/$file"; }
# `command` is a shell builtin: run it the way a node's shell does (dash's `command -v` takes one name only).
run command-v-tools.txt sh -c 'command -v kubectl ; command -v docker ; command -v crictl ; command -v curl'
run curl-proxymode-closed.txt ip netns exec "$ns" curl -s -m 2 http://127.0.0.1:10249/proxyMode
run devtcp-proxymode-closed.txt ip netns exec "$ns" timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/10249 && printf 'GET /proxyMode HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && cat <&3"
{ o="$(ip netns exec "$ns" docker ps --filter name=k8s_kube-proxy 2>&1)"; echo "exit $?"; printf '%s\n' "$o"; } > "$out/docker-ps-no-daemon.txt"
{ o="$(sh -c 'crictl ps --name kube-proxy' 2>&1)"; echo "exit $?"; printf '%s\n' "$o"; } > "$out/crictl-not-installed.txt"
# No stop marker (the normal case): cat's own message on stderr, exit 1.
{ o="$(sh -c 'cat /var/lib/kube-recover/stopped/kube-proxy' 2>&1)"; echo "exit $?"; printf '%s\n' "$o"; } > "$out/cat-stop-marker-missing.txt"
