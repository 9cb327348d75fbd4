# The C# stand-ins (tests/lab/StandIns, one program dispatching on its own file name): published once per
# source version into a cache shared by runs, then the apphost is copied as kube-apiserver, kube-proxy,
# kubelet and k3s so that /proc/PID/comm and `ps` show the real component names.

standins_source_hash() {
  (cd "$LAB_HOME/StandIns" && find . -path ./bin -prune -o -path ./obj -prune -o -type f -print | LC_ALL=C sort |
    xargs sha256sum) | sha256sum | cut -c1-16
}

publish_standins() {
  if [[ -n ${LAB_STANDINS_BIN:-} ]]; then      # an already published folder (CI cache, debugging)
    local b; b=$(bin_dir); rm -rf "$b"; cp -a "$LAB_STANDINS_BIN" "$b"
    for c in kube-apiserver kube-proxy kubelet k3s; do [[ -e $b/$c ]] || cp "$b/lab-standin" "$b/$c"; done
    return 0
  fi
  [[ -f $LAB_HOME/StandIns/StandIns.csproj ]] || die "tests/lab/StandIns is missing: the lab needs its stand-ins"
  local cache=$LAB_HOME/.run/standins-$(standins_source_hash)
  mkdir -p "$LAB_HOME/.run"
  (
    flock 9
    if [[ ! -x $cache/lab-standin ]]; then
      log "publishing stand-ins (dotnet publish, once per source version)"
      rm -rf "$cache.tmp"
      DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 \
        dotnet publish "$LAB_HOME/StandIns" -c Release -o "$cache.tmp" -nodeReuse:false -p:UseSharedCompilation=false \
        -v quiet -nologo >"$LAB_HOME/.run/publish.log" 2>&1 || { cat "$LAB_HOME/.run/publish.log" >&2; exit 1; }
      mv "$cache.tmp" "$cache"
      find "$LAB_HOME/.run" -maxdepth 1 -name 'standins-*' ! -path "$cache" -exec rm -rf {} +   # older versions
    fi
  ) 9>"$LAB_HOME/.run/publish.lock" || die "dotnet publish of tests/lab/StandIns failed"
  local b; b=$(bin_dir); rm -rf "$b"; cp -a "$cache" "$b"
  for c in kube-apiserver kube-proxy kubelet k3s; do cp "$b/lab-standin" "$b/$c"; done
}
