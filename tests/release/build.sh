#!/usr/bin/env bash
# Builds the release single files (linux-arm64 and linux-x64), checks each with `file`, records its size and the
# highest GLIBC symbol version it needs (Kylin V10 ships glibc 2.28), and runs the arm64 file under qemu-user.
# Usage: tests/release/build.sh [OUTDIR]   (default artifacts/release). Prints one `key=value` line per fact.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/artifacts/release}
glibc_limit=2.28
mkdir -p "$out"
status=0
for rid in linux-x64 linux-arm64; do
  dotnet publish "$root/src/Recovery.Cli" -c Release -r "$rid" -o "$out/$rid" -p:CopyOutputSymbolsToPublishDirectory=false --nologo -v quiet >/dev/null
  bin="$out/$rid/kube-recover"
  files=$(find "$out/$rid" -type f | wc -l)
  kind=$(file -b "$bin")
  size=$(stat -c %s "$bin")
  glibc=$(readelf -V "$bin" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  echo "$rid.files=$files"
  echo "$rid.file=$kind"
  echo "$rid.size_bytes=$size ($((size / 1024 / 1024)) MiB)"
  echo "$rid.glibc_max=$glibc"
  if [[ $files -ne 1 ]]; then echo "$rid: expected one file in $out/$rid" >&2; status=1; fi
  if [[ "$(printf '%s\n%s\n' "$glibc" "$glibc_limit" | sort -V | tail -1)" != "$glibc_limit" ]]; then
    echo "$rid: needs GLIBC_$glibc, above $glibc_limit (Kylin V10)" >&2; status=1
  fi
done
case "$(file -b "$out/linux-arm64/kube-recover")" in *"ARM aarch64"*) ;; *) echo "arm64 file is not an aarch64 ELF" >&2; status=1 ;; esac
case "$(file -b "$out/linux-x64/kube-recover")" in *"x86-64"*) ;; *) echo "x64 file is not an x86-64 ELF" >&2; status=1 ;; esac
# qemu-user runs the arm64 file against the arm64 userland that tests/lab/install.sh adds (Debian multiarch), with W^X
# off: .NET under qemu-user hangs at random with it (dotnet/runtime#97228); real arm64 does not need this.
qemu=(env DOTNET_EnableWriteXorExecute=0 qemu-aarch64-static)
smoke=$(timeout 120 "${qemu[@]}" "$out/linux-arm64/kube-recover" version)
echo "linux-arm64.qemu_version=$smoke"
[[ "$smoke" == *"linux-arm64"* ]] || { echo "arm64 smoke run under qemu failed" >&2; status=1; }
# A whole plan from a fact set saved from the lab (no node reached): the planner, JSON and every validator on arm64.
fixtures="$root/tests/release/fixtures"
plan=$(timeout 300 "${qemu[@]}" "$out/linux-arm64/kube-recover" plan --facts "$fixtures/lab-seed-diagnosis.json" \
  -i "$fixtures/lab-inventory.yaml" --local node2 --format json 2>/dev/null) || { echo "arm64 plan --facts failed under qemu" >&2; status=1; }
if grep -q '"kind": "Plan"' <<<"$plan" && grep -q '"id": "unbind/node2/del-10.77.0.11"' <<<"$plan"; then
  echo "linux-arm64.qemu_plan=ok ($(grep -c '"id":' <<<"$plan") steps)"
else
  echo "arm64 plan under qemu did not plan the seed's recovery" >&2; status=1
fi
exit $status
