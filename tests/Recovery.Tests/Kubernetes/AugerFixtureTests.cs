using Recovery.Kubernetes.Storage;
using YamlDotNet.RepresentationModel;

namespace Recovery.Tests.Kubernetes;

/// <summary>Real values written by a kube-apiserver (etcd-io/auger testdata), checked against auger's own decoding.</summary>
public sealed class AugerFixtureTests
{
    [Theory]
    [InlineData("pod")]
    [InlineData("job")]
    public void EnvelopeTypeMetaEqualsAugersReading(string name)
    {
        var value = StorageCodec.Decode(Fixtures.Auger($"storage-{name}.bin"));
        var meta = Fixtures.AugerText($"meta-{name}.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..].Trim());

        Assert.Equal(StorageEncoding.Protobuf, value.Encoding);
        Assert.Equal(meta["TypeMeta.APIVersion"], value.ApiVersion);
        Assert.Equal(meta["TypeMeta.Kind"], value.Kind);
        Assert.Equal("", value.ContentEncoding);
        Assert.Equal("", value.ContentType);
    }

    [Theory]
    [InlineData("pod")]
    [InlineData("job")]
    public void TheTrailingNewlineIsReportedNotParsed(string name)
    {
        var bytes = Fixtures.Auger($"storage-{name}.bin");
        var value = StorageCodec.Decode(bytes);

        Assert.Equal(0x0a, bytes[^1]);
        Assert.Equal(1, value.TrailingBytes);
        // Without the stray byte the envelope ends exactly after contentType.
        Assert.Equal(0, StorageCodec.Decode(bytes[..^1]).TrailingBytes);
    }

    [Theory]
    [InlineData("pod")]
    [InlineData("job")]
    public void ObjectMetaEqualsAugersYaml(string name)
    {
        var meta = StorageCodec.ReadMetadata(Fixtures.Auger($"storage-{name}.bin"));
        var yaml = (YamlMappingNode)Load(Fixtures.AugerText($"yaml-{name}.yaml"))["metadata"];

        Assert.Equal(Scalar(yaml, "name"), meta.Name);
        Assert.Equal(Scalar(yaml, "namespace"), meta.Namespace);
        Assert.Equal(Scalar(yaml, "uid"), meta.Uid);
        var labels = ((YamlMappingNode)yaml["labels"]).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);
        Assert.Equal(labels.OrderBy(p => p.Key), meta.Labels.OrderBy(p => p.Key));
        var owners = yaml.Children.TryGetValue(new YamlScalarNode("ownerReferences"), out var o) ? ((YamlSequenceNode)o).Children.Cast<YamlMappingNode>().ToList() : [];
        Assert.Equal(owners.Count, meta.OwnerReferences.Count);
        for (var i = 0; i < owners.Count; i++)
        {
            Assert.Equal(Scalar(owners[i], "apiVersion"), meta.OwnerReferences[i].ApiVersion);
            Assert.Equal(Scalar(owners[i], "kind"), meta.OwnerReferences[i].Kind);
            Assert.Equal(Scalar(owners[i], "name"), meta.OwnerReferences[i].Name);
            Assert.Equal(Scalar(owners[i], "uid"), meta.OwnerReferences[i].Uid);
            Assert.Equal(Scalar(owners[i], "controller") == "true", meta.OwnerReferences[i].Controller);
            Assert.Equal(Scalar(owners[i], "blockOwnerDeletion") == "true", meta.OwnerReferences[i].BlockOwnerDeletion);
        }
    }

    [Fact]
    public void ThePodFixtureHasAnOwnerSoTheOwnerCheckAboveIsNotVacuous()
    {
        var meta = StorageCodec.ReadMetadata(Fixtures.Auger("storage-pod.bin"));
        Assert.Equal("a4acc46c-5b56-11e7-8d4b-42010a800002", Assert.Single(meta.OwnerReferences).Uid);
        Assert.Equal("pi-", meta.GenerateName);
    }

    [Theory]
    [InlineData("pod")]
    [InlineData("job")]
    public void DecodeThenEncodeGivesTheSameBytes(string name)
    {
        var bytes = Fixtures.Auger($"storage-{name}.bin");
        var value = StorageCodec.Decode(bytes);

        var encoded = StorageCodec.Encode(value);

        Assert.Equal(bytes[..^value.TrailingBytes], encoded);
    }

    [Theory]
    [InlineData("pod")]
    [InlineData("job")]
    public void StripRefusesAnObjectThatIsNotAService(string name)
    {
        // A Pod is not a Service: strip refuses it by kind; the wire path is exercised on Services elsewhere.
        var bytes = Fixtures.Auger($"storage-{name}.bin");
        var e = Assert.Throws<StorageFormatException>(() => StorageCodec.Strip(bytes, [System.Net.IPAddress.Parse("10.0.0.1")]));
        Assert.Contains("expected a Service", e.Message);
    }

    [Fact]
    public void EtcdctlOutputWithTheKeyLineIsRecognisedAndTheValueAfterItDecodes()
    {
        var bytes = Fixtures.Auger("storage-pod-with-key.bin");
        var e = Assert.Throws<StorageFormatException>(() => StorageCodec.Decode(bytes));
        Assert.Contains("key line", e.Message);

        var newline = Array.IndexOf(bytes, (byte)'\n');
        Assert.Equal("/registry/pods/default/xyz", System.Text.Encoding.ASCII.GetString(bytes, 0, newline));
        var meta = StorageCodec.ReadMetadata(bytes[(newline + 1)..]);
        Assert.Equal("pi-dqtsw", meta.Name);
        Assert.Equal(StorageCodec.Decode(Fixtures.Auger("storage-pod.bin")).Raw.ToArray(), StorageCodec.Decode(bytes[(newline + 1)..]).Raw.ToArray());
    }

    private static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? ((YamlScalarNode)v).Value : null;
}
