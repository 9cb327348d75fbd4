// One lab at a time: each brings up several nodes' sshd, etcd, stand-in apiserver and kube-proxy, and the
// machines CI runs on have 2 cores. Labs running side by side would only make every timeout a race.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
