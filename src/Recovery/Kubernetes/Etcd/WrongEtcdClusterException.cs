namespace Recovery.Kubernetes.Etcd;

/// <summary>A backup taken from another etcd cluster than the one reached: bad input, refused before anything is written.</summary>
internal sealed class WrongEtcdClusterException(string backupPath, string backupCluster, string cluster)
    : EtcdStoreException($"{backupPath} was taken from etcd cluster {backupCluster}, this is cluster {cluster}: refusing to restore (expected a backup of this cluster; --force overrides)");
