using System.Text.Json.Nodes;
using Lab.StandIns.Http;

namespace Lab.StandIns.Tests.Http;

public class PatchTests
{
    private static JsonNode Svc() => JsonNode.Parse("""
        {"metadata":{"name":"s","labels":{"a":"1","b":"2"}},
         "spec":{"ports":[{"name":"web","port":80,"protocol":"TCP"},{"name":"tls","port":443,"protocol":"TCP"}],
                 "externalIPs":["10.77.0.11"],"selector":{"app":"zgz"}}}
        """)!;

    [Fact]
    public void Strategic_merge_merges_ports_by_port_and_replaces_plain_lists()
    {
        var patched = StrategicMerge.Apply(Svc(), JsonNode.Parse("""
            {"spec":{"ports":[{"port":443,"name":"https"}],"externalIPs":["10.77.0.12"]}}
            """))!;
        Assert.Equal(["web", "https"], patched["spec"]!["ports"]!.AsArray().Select(p => p!["name"]!.ToString()));
        Assert.Equal("TCP", patched["spec"]!["ports"]![1]!["protocol"]!.ToString());
        Assert.Equal(["10.77.0.12"], patched["spec"]!["externalIPs"]!.AsArray().Select(p => p!.ToString()));
    }

    [Fact]
    public void Strategic_merge_honours_kubectl_directives()
    {
        var patched = StrategicMerge.Apply(Svc(), JsonNode.Parse("""
            {"metadata":{"labels":{"a":null}},
             "spec":{"$setElementOrder/ports":[{"port":443},{"port":80}],"ports":[{"port":80,"$patch":"delete"}],"externalIPs":null}}
            """))!;
        Assert.Equal(["tls"], patched["spec"]!["ports"]!.AsArray().Select(p => p!["name"]!.ToString()));
        Assert.Null(patched["spec"]!["externalIPs"]);
        Assert.False(patched["metadata"]!["labels"]!.AsObject().ContainsKey("a"));
    }

    [Fact]
    public void Json_patch_removes_externalIPs_and_reports_missing_paths()
    {
        var patched = JsonPatch.Apply(Svc(), JsonNode.Parse("""[{"op":"remove","path":"/spec/externalIPs"}]"""));
        Assert.False(patched["spec"]!.AsObject().ContainsKey("externalIPs"));
        var e = Assert.Throws<ApiError>(() => JsonPatch.Apply(patched, JsonNode.Parse("""[{"op":"remove","path":"/spec/externalIPs"}]""")));
        Assert.Equal(422, e.Code);
    }

    [Fact]
    public void Json_patch_add_appends_with_dash()
    {
        var patched = JsonPatch.Apply(Svc(), JsonNode.Parse("""[{"op":"add","path":"/spec/externalIPs/-","value":"10.77.0.13"}]"""));
        Assert.Equal(2, patched["spec"]!["externalIPs"]!.AsArray().Count);
    }

    [Fact]
    public void Merge_patch_null_deletes_and_lists_replace()
    {
        var patched = MergePatch.Apply(Svc(), JsonNode.Parse("""{"spec":{"externalIPs":null,"ports":[{"port":8080}]}}"""))!;
        Assert.False(patched["spec"]!.AsObject().ContainsKey("externalIPs"));
        Assert.Single(patched["spec"]!["ports"]!.AsArray());
        Assert.Equal("zgz", patched["spec"]!["selector"]!["app"]!.ToString());
    }
}
