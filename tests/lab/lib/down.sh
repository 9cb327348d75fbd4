# `lab.sh down`: kill every node init (each takes its PID namespace, its mounts and its network namespace
# with it) and the switch (its bridge and veths go with its network namespace), then remove the run folder.
# Works from the prefix alone, so it also cleans a failed `up` or a killed run.

cmdline_of() { local a=(); { mapfile -d '' a < "$1/cmdline"; } 2>/dev/null; echo "${a[*]}"; }

lab_processes() {   # host pids of this run's inits and switch, found by the prefix in their command line
  local prefix=$1 p c
  for p in /proc/[0-9]*; do
    c=$(cmdline_of "$p")
    if [[ $c == *"node-init.sh $prefix "* || $c == "lab-switch $prefix"* ]]; then echo "${p#/proc/}"; fi
  done
  return 0
}

lab_down() {
  local prefix; prefix=$(lab_prefix)
  if [[ -n $prefix ]]; then
    local pids; pids=$(lab_processes "$prefix" | xargs)
    [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
    for _ in $(seq 100); do [[ -z $(lab_processes "$prefix") ]] && break; sleep 0.1; done
    [[ -z $(lab_processes "$prefix") ]] || die "processes of lab $prefix survive: $(lab_processes "$prefix" | xargs)"
  fi
  rm -rf "$LAB_RUN_DIR"
}
