#!/usr/bin/env bash
# Regenerates the known_hosts golden fixtures with the real OpenSSH tools (ssh-keygen 9.2, Debian 12).
# Outputs: keys/*.pub (host public keys), known_hosts.plain (as written by hand), known_hosts.hashed
# (the same file after `ssh-keygen -H`), fingerprints.txt (`ssh-keygen -lf` of every key) and
# lookups.txt (`ssh-keygen -F` answers: which key the real tool finds for a host, hashed file).
set -euo pipefail
cd "$(dirname "$0")"
rm -rf keys && mkdir keys
for k in node1-ed25519:ed25519 node1-rsa:rsa node2-ed25519:ed25519 node3-ecdsa:ecdsa alt-ed25519:ed25519 revoked-ed25519:ed25519; do
  ssh-keygen -q -t "${k#*:}" -N '' -C '' -f "keys/${k%%:*}" >/dev/null
  rm "keys/${k%%:*}"
done
pub() { cut -d' ' -f1,2 "keys/$1.pub"; }
{
  echo "# kube-recover known_hosts fixture"
  echo "10.77.0.11 $(pub node1-ed25519)"
  echo "10.77.0.11 $(pub node1-rsa)"
  echo "node2,10.77.0.12 $(pub node2-ed25519)"
  echo "[10.77.0.13]:2222 $(pub node3-ecdsa)"
  echo ""
} > known_hosts.plain
cp known_hosts.plain known_hosts.hashed
ssh-keygen -q -H -f known_hosts.hashed >/dev/null 2>&1
rm -f known_hosts.hashed.old
for f in keys/*.pub; do echo "$(basename "$f" .pub) $(ssh-keygen -l -E sha256 -f "$f" | cut -d' ' -f2)"; done > fingerprints.txt
{
  for h in 10.77.0.11 node2 10.77.0.12 '[10.77.0.13]:2222' 10.77.0.13; do
    echo "## ssh-keygen -F $h"
    ssh-keygen -l -F "$h" -f known_hosts.hashed | grep -v '^#' | awk '{print $3}' || true
  done
} > lookups.txt
