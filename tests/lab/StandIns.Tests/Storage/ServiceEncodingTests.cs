using System.Text;
using System.Text.Json.Nodes;
using Lab.StandIns.Storage;

namespace Lab.StandIns.Tests.Storage;

/// <summary>
/// A Service as the kube-apiserver stores it, checked field by field with an independent wire walker against
/// k8s.io/api core/v1 generated.proto and gogo-protobuf's marshalling rules.
/// </summary>
public class ServiceEncodingTests
{
    private const string Seed = """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx-service","namespace":"default",
         "uid":"0fd156bd-0e0c-41ce-be79-7bf3ba221c55","resourceVersion":"42","creationTimestamp":"2026-11-25T09:01:36Z",
         "labels":{"z":"1","a":"2"}},
         "spec":{"ports":[{"name":"web","protocol":"TCP","port":80,"targetPort":"http-web-svc"}],"selector":{"app":"zgz"},
          "clusterIP":"10.99.205.55","clusterIPs":["10.99.205.55"],"type":"ClusterIP","externalIPs":["10.77.0.11"],
          "sessionAffinity":"None","ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack"},
         "status":{"loadBalancer":{"ingress":[{"ip":"10.77.0.12"}]}}}
        """;

    private static byte[] Stored() => ObjectCodec.ToStorage(Resource.Services, (JsonObject)JsonNode.Parse(Seed)!);

    [Fact]
    public void Value_is_magic_then_runtime_Unknown_with_empty_encoding_and_content_type()
    {
        var value = Stored();
        Assert.Equal("k8s\0"u8.ToArray(), value[..4]);
        var unknown = Wire.Fields(value[4..]);
        Assert.Equal([1, 2, 3, 4], unknown.Select(f => f.Number));
        Assert.Equal("v1", Wire.One(unknown[0].Bytes!, 1).Text);
        Assert.Equal("Service", Wire.One(unknown[0].Bytes!, 2).Text);
        Assert.Empty(unknown[2].Bytes!);
        Assert.Empty(unknown[3].Bytes!);
    }

    [Fact]
    public void ObjectMeta_writes_non_pointer_fields_even_empty_and_never_the_resourceVersion()
    {
        var raw = Wire.One(Stored()[4..], 2).Bytes!;
        var meta = Wire.One(raw, 1).Bytes!;
        var fields = Wire.Fields(meta);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 11, 11], fields.Select(f => f.Number));
        Assert.Equal("nginx-service", fields[0].Text);
        Assert.Equal("default", fields[2].Text);
        Assert.Empty(fields[5].Bytes!); // resourceVersion: the key's mod revision, not stored
        Assert.Equal(0UL, fields[6].Varint);
        var time = Wire.Fields(fields[7].Bytes!);
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T09:01:36Z").ToUnixTimeSeconds(), (long)time[0].Varint);
        Assert.Equal([1, 2], time.Select(f => f.Number));
        // map entries sorted by key, as the generated marshaller does
        Assert.Equal(["a", "z"], fields.Where(f => f.Number == 11).Select(f => Wire.One(f.Bytes!, 1).Text));
    }

    [Fact]
    public void ServiceSpec_uses_upstream_field_numbers_in_ascending_order()
    {
        var raw = Wire.One(Stored()[4..], 2).Bytes!;
        Assert.Equal([1, 2, 3], Wire.Fields(raw).Select(f => f.Number));
        var spec = Wire.One(raw, 2).Bytes!;
        var numbers = Wire.Fields(spec).Select(f => f.Number).ToList();
        Assert.Equal(numbers.Order(), numbers);
        Assert.Equal("10.77.0.11", Wire.One(spec, 5).Text);      // externalIPs
        Assert.Equal("10.99.205.55", Wire.One(spec, 3).Text);    // clusterIP
        Assert.Equal("10.99.205.55", Wire.One(spec, 18).Text);   // clusterIPs
        Assert.Equal("ClusterIP", Wire.One(spec, 4).Text);       // type
        Assert.Equal("None", Wire.One(spec, 7).Text);            // sessionAffinity
        Assert.Equal("SingleStack", Wire.One(spec, 17).Text);    // ipFamilyPolicy (pointer)
        Assert.Equal("IPv4", Wire.One(spec, 19).Text);           // ipFamilies
        Assert.Empty(Wire.One(spec, 8).Bytes!);                  // loadBalancerIP: non-pointer string, written empty
        Assert.Equal(0UL, Wire.One(spec, 12).Varint);            // healthCheckNodePort: non-pointer int32
        Assert.DoesNotContain(14, numbers);                      // sessionAffinityConfig: nil pointer, absent
        var selector = Wire.One(spec, 2).Bytes!;
        Assert.Equal(["app", "zgz"], Wire.Fields(selector).Select(f => f.Text));
        var port = Wire.One(spec, 1).Bytes!;
        Assert.Equal([1, 2, 3, 4, 5], Wire.Fields(port).Select(f => f.Number));
        Assert.Equal(80UL, Wire.One(port, 3).Varint);
        var target = Wire.Fields(Wire.One(port, 4).Bytes!);
        Assert.Equal(1UL, target[0].Varint);                     // IntOrString type String
        Assert.Equal("http-web-svc", target[2].Text);
    }

    [Fact]
    public void LoadBalancer_ingress_ip_is_status_1_1_1()
    {
        var raw = Wire.One(Stored()[4..], 2).Bytes!;
        var ingress = Wire.One(Wire.One(Wire.One(raw, 3).Bytes!, 1).Bytes!, 1).Bytes!;
        Assert.Equal("10.77.0.12", Wire.One(ingress, 1).Text);
    }

    [Fact]
    public void Stored_value_reads_back_as_the_same_object_with_resourceVersion_from_etcd()
    {
        var back = ObjectCodec.FromStorage(Resource.Services, Stored(), 77);
        var expected = (JsonObject)JsonNode.Parse(Seed)!;
        expected["metadata"]!["resourceVersion"] = "77";
        Assert.True(JsonNode.DeepEquals(Normalize(expected), Normalize(back)), back.ToJsonString());
    }

    [Fact]
    public void Fields_the_schema_does_not_know_survive_a_rewrite()
    {
        var raw = Wire.One(Stored()[4..], 2).Bytes!;
        // spec field 99 (varint 7) as a newer apiserver might write it
        var spec = Wire.One(raw, 2).Bytes!.Concat(new byte[] { 0x98, 0x06, 0x07 }).ToArray();
        var decoded = ProtoDecoder.Decode(spec, KubeSchemas.ServiceSpec);
        decoded["externalIPs"] = new JsonArray("10.77.0.99");
        var again = ProtoEncoder.Encode(decoded, KubeSchemas.ServiceSpec);
        Assert.Equal(7UL, Wire.One(again, 99).Varint);
        Assert.Equal("10.77.0.99", Wire.One(again, 5).Text);
        Assert.Equal(99, Wire.Fields(again)[^1].Number);
    }

    [Fact]
    public void A_value_that_does_not_fit_the_type_is_a_clear_error()
    {
        var bad = (JsonObject)JsonNode.Parse(Seed)!;
        bad["spec"]!["ports"]![0]!["port"] = "eighty";
        var e = Assert.Throws<SchemaException>(() => ObjectCodec.ToStorage(Resource.Services, bad));
        Assert.Contains("spec.ports[0].port", e.Message);
        Assert.Contains("expected an integer", e.Message);
    }

    [Fact]
    public void Values_that_are_not_protobuf_are_named()
    {
        Assert.Contains("encrypted", Assert.Throws<InvalidDataException>(() => Envelope.Parse("k8s:enc:aescbc:v1:key1:xxxx"u8)).Message);
        Assert.Contains("JSON", Assert.Throws<InvalidDataException>(() => Envelope.Parse(Encoding.UTF8.GetBytes("{\"kind\":\"Service\"}"))).Message);
    }

    private static JsonNode Normalize(JsonNode node) => JsonNode.Parse(Sorted(node).ToJsonString())!;

    private static JsonNode Sorted(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => KeyValuePair.Create(e.Key, e.Value is null ? null : Sorted(e.Value)))),
        JsonArray a => new JsonArray(a.Select(e => e is null ? null : Sorted(e)).ToArray()),
        _ => node.DeepClone(),
    };
}
