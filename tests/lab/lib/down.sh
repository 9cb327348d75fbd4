# `lab.sh down`: kill every node init (each takes its PID namespace, its mounts and its network namespace
# with it) and the switch (its bridge and veths go with its network namespace), then remove the run folder.
# Works from the prefix alone, so it also cleans a failed `up` or a killed run.

# Host pids of this run: its inits and switch (the prefix in their command line) and every process of an `up`
# (the prefix in their environment, LAB_UP_TOKEN), except this process and its ancestors. One pgrep and one grep
# over /proc: a loop of subshells per process took minutes on a loaded machine (CI saw `down` pass 3 minutes).
lab_processes() {
  local prefix=$1 p self=" $$ $BASHPID $PPID "
  { pgrep -f -- "node-init\.sh $prefix |^lab-switch $prefix" || true
    grep -lsxzF "LAB_UP_TOKEN=$prefix" /proc/[0-9]*/environ | cut -d/ -f3 || true
  } | sort -un | while read -r p; do [[ $self == *" $p "* ]] || echo "$p"; done
  return 0
}

still_running() {   # any of these pids alive and not a zombie (read without a fork: this loops on a busy machine)
  local p st; for p in "$@"; do
    { read -r st < "/proc/$p/stat"; } 2>/dev/null || continue
    st=${st##*) }
    [[ -n $st && ${st%% *} != Z ]] && return 0
  done
  return 1
}

lab_down() {
  local prefix; prefix=$(lab_prefix)
  if [[ -n $prefix ]]; then
    local pids killed=""
    for _ in $(seq 50); do       # repeated: an `up` killed halfway may still have children forking
      pids=$(lab_processes "$prefix" | xargs)
      [[ -z $pids ]] && break
      kill -KILL $pids 2>/dev/null || true
      killed+=" $pids"
      sleep 0.2
    done
    # A killed init first takes down its whole PID namespace (its command line is gone meanwhile): wait until
    # every killed process has really exited, so its namespaces and mounts are gone when `down` returns.
    for _ in $(seq 300); do still_running $killed || break; sleep 0.1; done
    [[ -z $(lab_processes "$prefix") ]] || die "processes of lab $prefix survive: $(lab_processes "$prefix" | xargs)"
    remove_docker_cgroups "$prefix"   # daemonset-docker: the cgroups of containers killed with their node
  fi
  rm -rf "$LAB_RUN_DIR"
}
