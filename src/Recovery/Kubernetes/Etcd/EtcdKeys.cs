using System.Text;

namespace Recovery.Kubernetes.Etcd;

/// <summary>Key layout of kube-apiserver's storage under a prefix (default /registry).</summary>
internal sealed class EtcdKeys(string prefix)
{
    public string Prefix { get; } = Normalise(prefix);

    public string ServiceSpecs => $"{Prefix}/services/specs/";

    public string Service(ServiceRef service) => $"{ServiceSpecs}{service.Namespace}/{service.Name}";

    public string Endpoints(ServiceRef service) => $"{Prefix}/services/endpoints/{service.Namespace}/{service.Name}";

    public string EndpointSlices(string ns) => $"{Prefix}/endpointslices/{ns}/";

    public string Nodes => $"{Prefix}/minions/";

    public bool Owns(string key) => key.StartsWith(Prefix + "/", StringComparison.Ordinal);

    /// <summary>The end of a prefix range: the prefix with its last byte incremented (etcd's convention).</summary>
    public static byte[] RangeEnd(string keyPrefix)
    {
        var bytes = Encoding.UTF8.GetBytes(keyPrefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xFF)
            {
                bytes[i]++;
                return bytes[..(i + 1)];
            }
        }

        return [0];
    }

    private static string Normalise(string prefix)
    {
        var p = prefix.Trim();
        if (p.Length == 0 || p[0] != '/') throw new ArgumentException($"etcd prefix '{prefix}' must start with '/' (kube-apiserver --etcd-prefix, default /registry)");
        return p.TrimEnd('/');
    }
}
