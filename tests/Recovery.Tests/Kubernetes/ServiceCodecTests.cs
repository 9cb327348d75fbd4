using System.Net;
using System.Text;
using Recovery.Kubernetes.Storage;

namespace Recovery.Tests.Kubernetes;

public sealed class ServiceCodecTests
{
    [Fact]
    public void ReadsTheSeedServiceFromProtobuf()
    {
        var service = StorageCodec.ReadService(K8sObjects.Service("default", "nginx-service", K8sObjects.NginxUid, "10.96.120.7", ["10.77.0.11"], ["10.77.0.12"], "LoadBalancer"));

        Assert.Equal("default", service.Namespace);
        Assert.Equal("nginx-service", service.Name);
        Assert.Equal(K8sObjects.NginxUid, service.Uid);
        Assert.Equal("LoadBalancer", service.Type);
        Assert.Equal("10.96.120.7", service.ClusterIP);
        Assert.Equal(["10.96.120.7"], service.ClusterIPs);
        Assert.Equal(new ServicePort("http", "TCP", 80, "http-web-svc", 30080), Assert.Single(service.Ports));
        Assert.Equal(["10.77.0.11"], service.ExternalIPs);
        Assert.Equal(["10.77.0.12"], service.IngressIPs);
        Assert.True(service.Claims(IPAddress.Parse("10.77.0.11")));
        Assert.True(service.Claims(IPAddress.Parse("10.77.0.12")));
        Assert.False(service.Claims(IPAddress.Parse("10.96.120.7")));
    }

    [Fact]
    public void ReadsNodesEndpointsAndEndpointSlices()
    {
        var node = StorageCodec.ReadNode(K8sObjects.Node("master1", "10.77.0.11"));
        Assert.Equal("master1", node.Name);
        Assert.Equal([new NodeAddress("InternalIP", "10.77.0.11"), new NodeAddress("Hostname", "master1")], node.Addresses);

        var slice = StorageCodec.ReadEndpointSlice(K8sObjects.EndpointSlice("default", "nginx-service-abcde", "nginx-service", K8sObjects.NginxUid));
        Assert.Equal("nginx-service", slice.ServiceName);
        Assert.Equal([K8sObjects.NginxUid], slice.OwnerUids);
        Assert.Equal("nginx-service-abcde", slice.Metadata.Name);

        var endpoints = StorageCodec.ReadEndpoints(K8sObjects.Endpoints("default", "nginx-service"));
        Assert.Equal(("default", "nginx-service"), (endpoints.Metadata.Namespace, endpoints.Metadata.Name));
    }

    [Fact]
    public void ReadsAJsonStoredService()
    {
        var json = """
            {"kind":"Service","apiVersion":"v1","metadata":{"name":"nginx-service","namespace":"default","uid":"u-1","labels":{"a":"b"}},"spec":{"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":"http-web-svc","nodePort":30080}],"selector":{"app":"zgz"},"clusterIP":"10.96.120.7","clusterIPs":["10.96.120.7"],"type":"NodePort","externalIPs":["10.77.0.11","10.77.0.99"]},"status":{"loadBalancer":{"ingress":[{"ip":"10.77.0.11"},{"hostname":"lb.example"}]}}}

            """;
        var service = StorageCodec.ReadService(Encoding.UTF8.GetBytes(json));

        Assert.Equal(StorageEncoding.Json, StorageCodec.Decode(Encoding.UTF8.GetBytes(json)).Encoding);
        Assert.Equal(("default", "nginx-service", "u-1", "NodePort"), (service.Namespace, service.Name, service.Uid, service.Type));
        Assert.Equal(new ServicePort("http", "TCP", 80, "http-web-svc", 30080), Assert.Single(service.Ports));
        Assert.Equal(["10.77.0.11", "10.77.0.99"], service.ExternalIPs);
        Assert.Equal(["10.77.0.11"], service.IngressIPs);

        var stripped = StorageCodec.Strip(Encoding.UTF8.GetBytes(json), [IPAddress.Parse("10.77.0.11")]);
        var after = StorageCodec.ReadService(stripped.Value);
        Assert.Equal(["10.77.0.99"], after.ExternalIPs);
        Assert.Empty(after.IngressIPs);
        Assert.Equal(["10.77.0.11"], stripped.RemovedExternalIPs);
        Assert.Equal(["10.77.0.11"], stripped.RemovedIngressIPs);
        var text = Encoding.UTF8.GetString(stripped.Value);
        Assert.Contains("\"hostname\":\"lb.example\"", text);
        Assert.Contains("\"selector\":{\"app\":\"zgz\"}", text);
        Assert.EndsWith("\n", text);
    }

    [Theory]
    [InlineData("k8s:enc:aescbc:v1:key1:\u0001\u0002garbage", "aescbc:v1:key1")]
    [InlineData("k8s:enc:kms:v2:vault:\u0099", "kms:v2:vault")]
    [InlineData("k8s:enc:secretbox:v1:k:", "secretbox:v1:k")]
    public void EncryptedValuesAreRecognisedReportedAndNeverEdited(string value, string provider)
    {
        var bytes = Encoding.Latin1.GetBytes(value);
        var stored = StorageCodec.Decode(bytes);
        Assert.Equal(StorageEncoding.Encrypted, stored.Encoding);
        Assert.Equal(provider, stored.EncryptionProvider);

        var read = Assert.Throws<EncryptedValueException>(() => StorageCodec.ReadService(bytes));
        Assert.Equal(provider, read.Provider);
        var strip = Assert.Throws<EncryptedValueException>(() => StorageCodec.Strip(bytes, [IPAddress.Parse("10.77.0.11")]));
        Assert.Contains("encrypted", strip.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("k8s")]
    [InlineData("[1,2]")]
    public void AnythingElseIsAClearError(string value)
    {
        var e = Assert.Throws<StorageFormatException>(() => StorageCodec.Decode(Encoding.UTF8.GetBytes(value)));
        Assert.Matches("empty|unrecognised", e.Message);
    }

    [Fact]
    public void AnotherKindIsRefusedWhereAServiceIsExpected()
    {
        var e = Assert.Throws<StorageFormatException>(() => StorageCodec.ReadService(K8sObjects.Node("n1", "10.0.0.1")));
        Assert.Equal("expected a Service, found a v1 Node", e.Message);
    }
}
