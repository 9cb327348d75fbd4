#!/usr/bin/env bash
# Puts in place the Debian packages the lab, the tests and the release smoke run need.
# Idempotent. kubectl 1.20 (Debian kubernetes-client) is unpacked into tests/lab/.tools/ with dpkg -x so it
# never clashes with another kubectl already on PATH; the lab puts that folder first on its PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
packages=(openssh-server openssh-client sudo etcd-server etcd-client iproute2 openssl curl file procps psmisc tmux
          iputils-ping qemu-user-static time bc docker.io)
# The arm64 userland qemu-user runs the arm64 release file against (Debian multiarch, no -L): libssl for etcd's TLS
# has no cross package.
arm64=(libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 libssl3:arm64 zlib1g:arm64)
missing=()
for p in "${packages[@]}" "${arm64[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -qq
  # No service starts on the host (docker.io's postinst would start a host dockerd): the lab runs one per node.
  noservice=no; [[ -e /usr/sbin/policy-rc.d ]] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; noservice=yes; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ $noservice == yes ]]; then rm -f /usr/sbin/policy-rc.d; fi
fi
tools="$here/.tools"
if [[ ! -x "$tools/kubectl" ]]; then
  work=$(mktemp -d)
  (cd "$work" && apt-get download -qq kubernetes-client >/dev/null)
  dpkg -x "$work"/kubernetes-client_*.deb "$work/root"
  mkdir -p "$tools"
  cp "$work/root/usr/bin/kubectl" "$tools/kubectl"
  rm -rf "$work"
fi
"$tools/kubectl" version --client --short 2>/dev/null | head -1 >&2 || true
