namespace Recovery.Kubernetes.Discovery;

/// <summary>kube-apiserver's etcd flags could not be found or understood; the message says where and what was expected.</summary>
internal sealed class DiscoveryException(string message) : Exception(message);
