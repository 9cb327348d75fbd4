namespace Recovery.Kubernetes.Discovery;

/// <summary>kube-apiserver's etcd flags could not be found or understood; the message says where and what was expected.</summary>
public sealed class DiscoveryException(string message) : Exception(message);
