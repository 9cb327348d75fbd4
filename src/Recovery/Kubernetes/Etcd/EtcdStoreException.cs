namespace Recovery.Kubernetes.Etcd;

/// <summary>etcd could not be used as asked: unreachable, no leader, bad credentials, a refused write. Nothing was changed unless the message says so.</summary>
internal class EtcdStoreException : Exception
{
    public EtcdStoreException(string message) : base(message)
    {
    }

    public EtcdStoreException(string message, Exception inner) : base(message, inner)
    {
    }
}
