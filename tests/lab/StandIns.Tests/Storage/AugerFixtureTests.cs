using System.Text.Json.Nodes;
using Lab.StandIns.Storage;
using YamlDotNet.RepresentationModel;

namespace Lab.StandIns.Tests.Storage;

/// <summary>The lab's codec against values a real kube-apiserver wrote (golden fixtures from etcd-io/auger).</summary>
public class AugerFixtureTests
{
    [Theory]
    [InlineData("storage-pod.bin", "Pod")]
    [InlineData("storage-job.bin", "Job")]
    public void Envelope_reencodes_to_the_same_bytes(string file, string kind)
    {
        var value = Fixtures.Value(file);
        var envelope = Envelope.Parse(value);
        Assert.Equal(kind, envelope.Kind);
        Assert.Equal(value, envelope.ToBytes());
    }

    [Fact]
    public void Trailing_newline_of_the_fixture_is_reported_not_misread()
    {
        var e = Assert.Throws<InvalidDataException>(() => Envelope.Parse(Fixtures.Read("storage-pod.bin")));
        Assert.Contains("not valid protobuf", e.Message);
    }

    [Theory]
    [InlineData("storage-pod.bin")]
    [InlineData("storage-job.bin")]
    public void Object_decoded_then_encoded_gives_identical_bytes(string file)
    {
        var raw = Envelope.Parse(Fixtures.Value(file)).Raw;
        var json = ProtoDecoder.Decode(raw, KubeSchemas.MetadataOnly);
        Assert.Equal(raw, ProtoEncoder.Encode(json, KubeSchemas.MetadataOnly));
    }

    [Fact]
    public void ObjectMeta_reads_as_auger_prints_it()
    {
        var raw = Envelope.Parse(Fixtures.Value("storage-pod.bin")).Raw;
        var meta = (JsonObject)ProtoDecoder.Decode(raw, KubeSchemas.MetadataOnly)["metadata"]!;
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Fixtures.Dir, "yaml-pod.yaml"))));
        var expected = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["metadata"];

        foreach (var key in new[] { "name", "generateName", "namespace", "uid" })
            Assert.Equal(((YamlScalarNode)expected[key]).Value, meta[key]!.ToString());
        // auger prints seconds (Go drops nanoseconds when it reads a Time); the stored value also has nanoseconds.
        Assert.True(KubeTime.TryParse(meta["creationTimestamp"]!.ToString(), out var seconds, out var nanos));
        Assert.True(KubeTime.TryParse(((YamlScalarNode)expected["creationTimestamp"]).Value!, out var expectedSeconds, out _));
        Assert.Equal(expectedSeconds, seconds);
        Assert.NotEqual(0, nanos);
        var labels = (YamlMappingNode)expected["labels"];
        Assert.Equal(labels.Children.Count, ((JsonObject)meta["labels"]!).Count);
        foreach (var (k, v) in labels.Children)
            Assert.Equal(((YamlScalarNode)v).Value, meta["labels"]![((YamlScalarNode)k).Value!]!.ToString());
        var owner = (YamlMappingNode)((YamlSequenceNode)expected["ownerReferences"])[0];
        var ownerJson = meta["ownerReferences"]![0]!;
        foreach (var key in new[] { "apiVersion", "kind", "name", "uid" })
            Assert.Equal(((YamlScalarNode)owner[key]).Value, ownerJson[key]!.ToString());
        Assert.Equal(((YamlScalarNode)owner["controller"]).Value, ownerJson["controller"]!.ToJsonString());
    }

    [Fact]
    public void Etcdctl_output_holds_the_key_line_then_the_value()
    {
        var bytes = Fixtures.Read("storage-pod-with-key.bin");
        var newline = Array.IndexOf(bytes, (byte)'\n');
        Assert.Equal("/registry/pods/default/xyz", System.Text.Encoding.UTF8.GetString(bytes, 0, newline));
        Assert.Equal("Pod", Envelope.Parse(Fixtures.Value("storage-pod.bin")).Kind);
        Assert.Equal(Fixtures.Value("storage-pod.bin"), bytes[(newline + 1)..^1]);
    }
}
