# Controllers that put a claim back after the fix (`lab.sh up --controller reapply`; issue 12 item 3).
# reapply: lib/lab-reapply on node1 re-creates the seed Service from its saved manifest when it is gone.

controller_dir() { echo "$LAB_RUN_DIR/controller"; }

controller_start() {
  case $1 in
    none) return 0 ;;
    reapply)
      mkdir -p "$(controller_dir)"
      node_exec node1 setsid -f "$LAB_HOME/lib/lab-reapply" "$(controller_dir)" "$LAB_KUBECTL" 2 \
        </dev/null >>"$LAB_RUN_DIR/controller.log" 2>&1
      log "controller: re-apply loop on node1 (manifests in $(controller_dir))" ;;
  esac
}

# The labels the seed Service carries under the controller: Argo CD's tracking labels (what diagnose names).
controller_labels() {
  [[ $(lab_option controller) == reapply ]] || return 0
  printf '  labels:\n    app.kubernetes.io/instance: seed\n    argocd.argoproj.io/instance: seed\n'
}

# controller_save NS NAME IPS_JSON: the Service as Git would hold it (with its externalIPs), for the loop to re-apply.
controller_save() {
  [[ $(lab_option controller) == reapply ]] || return 0
  local ns=$1 name=$2 list=$3
  cat > "$(controller_dir)/$ns.$name.yaml.tmp" <<YAML
apiVersion: v1
kind: Service
metadata:
  name: $name
  namespace: $ns
$(controller_labels)
spec:
  selector:
    app: zgz
  externalIPs: [$list]
  ports:
  - name: name-of-service-port
    protocol: TCP
    port: 80
    targetPort: http-web-svc
YAML
  mv "$(controller_dir)/$ns.$name.yaml.tmp" "$(controller_dir)/$ns.$name.yaml"
}
