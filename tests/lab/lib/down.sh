# `lab.sh down`: kill every node init (each takes its PID namespace, its mounts and its network namespace
# with it) and the switch (its bridge and veths go with its network namespace), then remove the run folder.
# Works from the prefix alone, so it also cleans a failed `up` or a killed run.

cmdline_of() { local a=(); { mapfile -d '' a < "$1/cmdline"; } 2>/dev/null; echo "${a[*]}"; }

environ_of() { local a=(); { mapfile -d '' a < "$1/environ"; } 2>/dev/null; echo " ${a[*]} "; }

# Host pids of this run: its inits and switch (the prefix in their command line) and every process of an `up`
# (the prefix in their environment, LAB_UP_TOKEN), except this process and its ancestors.
lab_processes() {
  local prefix=$1 p c self=" $$ $BASHPID $PPID "
  for p in /proc/[0-9]*; do
    [[ $self == *" ${p#/proc/} "* ]] && continue
    c=$(cmdline_of "$p")
    if [[ $c == *"node-init.sh $prefix "* || $c == "lab-switch $prefix"* || $(environ_of "$p") == *" LAB_UP_TOKEN=$prefix "* ]]; then
      echo "${p#/proc/}"
    fi
  done
  return 0
}

lab_down() {
  local prefix; prefix=$(lab_prefix)
  if [[ -n $prefix ]]; then
    local pids
    for _ in $(seq 50); do       # repeated: an `up` killed halfway may still have children forking
      pids=$(lab_processes "$prefix" | xargs)
      [[ -z $pids ]] && break
      kill -KILL $pids 2>/dev/null || true
      sleep 0.2
    done
    [[ -z $(lab_processes "$prefix") ]] || die "processes of lab $prefix survive: $(lab_processes "$prefix" | xargs)"
  fi
  rm -rf "$LAB_RUN_DIR"
}
