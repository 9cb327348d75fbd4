using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Lab.StandIns.Storage;

namespace Lab.StandIns.Http;

/// <summary>The discovery documents kubectl reads before anything else, for the resources the lab serves.</summary>
internal static class Discovery
{
    public static JsonObject ApiVersions(string advertise) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = advertise }),
    };

    public static JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(Group()),
    };

    public static JsonObject Group() => new()
    {
        ["kind"] = "APIGroup",
        ["apiVersion"] = "v1",
        ["name"] = "discovery.k8s.io",
        ["versions"] = new JsonArray(new JsonObject { ["groupVersion"] = "discovery.k8s.io/v1", ["version"] = "v1" }),
        ["preferredVersion"] = new JsonObject { ["groupVersion"] = "discovery.k8s.io/v1", ["version"] = "v1" },
    };

    public static JsonObject Resources(string groupVersion)
    {
        var list = new JsonArray();
        foreach (var r in Resource.All.Where(r => r.ApiVersion == groupVersion))
        {
            list.Add(new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update"),
                ["shortNames"] = new JsonArray(r.ShortNames.Select(s => (JsonNode?)s).ToArray()),
            });
            if (r.HasStatus)
                list.Add(new JsonObject { ["name"] = $"{r.Plural}/status", ["singularName"] = "", ["namespaced"] = r.Namespaced, ["kind"] = r.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = list };
    }

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "20",
        ["gitVersion"] = "v1.20.11",
        ["gitCommit"] = "27522a29febbcc4badac257763044d0d90c11abd",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2021-09-15T19:16:25Z",
        ["goVersion"] = "go1.15.15",
        ["compiler"] = "gc",
        ["platform"] = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux/arm64" : "linux/amd64",
    };

    /// <summary>
    /// /openapi/v2 as the protobuf gnostic openapi_v2.Document kubectl asks for: {swagger = 1, info = 2
    /// {title = 1, version = 2}} with no definitions. kubectl then skips schema validation for kinds it finds
    /// no schema for and computes strategic merge patches from its compiled-in Go types, which is what
    /// `kubectl apply` needs; `--validate=false` is not required.
    /// </summary>
    public static byte[] OpenApiV2()
    {
        using var info = new MemoryStream();
        using (var o = new CodedOutputStream(info, leaveOpen: true))
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString("Kubernetes");
            o.WriteTag(2, WireFormat.WireType.LengthDelimited);
            o.WriteString("v1.20.11");
        }
        using var doc = new MemoryStream();
        using (var o = new CodedOutputStream(doc, leaveOpen: true))
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString("2.0");
            o.WriteTag(2, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(info.ToArray()));
        }
        return doc.ToArray();
    }
}
