namespace Recovery.LabTests.Recovery;

/// <summary>The Service `lab.sh break` creates unless told otherwise (the seed's default/nginx-service), and its keys in etcd.</summary>
public static class SeedService
{
    public const string Namespace = "default";
    public const string Name = "nginx-service";
    public const string SpecKey = $"/registry/services/specs/{Namespace}/{Name}";
    public const string EndpointsKey = $"/registry/services/endpoints/{Namespace}/{Name}";

    public static readonly string[] EtcdKeys = [SpecKey, EndpointsKey];
}
