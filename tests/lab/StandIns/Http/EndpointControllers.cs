using System.Text.Json.Nodes;
using Lab.StandIns.Storage;

namespace Lab.StandIns.Http;

/// <summary>
/// What the endpoints and EndpointSlice controllers write for a Service with a selector, done synchronously
/// at create: an Endpoints object of the same name and one EndpointSlice NAME-xxxxx labelled
/// kubernetes.io/service-name and owned by the Service. No Pod ever runs in the lab, so both stay empty.
/// </summary>
internal static class EndpointControllers
{
    /// <summary>The field manager upstream controllers write as.</summary>
    public const string Manager = "kube-controller-manager";

    private const string SuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789"; // apimachinery's utilrand alphabet

    public static bool Manages(JsonObject svc) => svc["spec"]?["selector"] is JsonObject { Count: > 0 };

    public static JsonObject Endpoints(JsonObject svc) => new()
    {
        ["kind"] = "Endpoints",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = svc["metadata"]!["name"]!.ToString(),
            ["namespace"] = svc["metadata"]!["namespace"]!.ToString(),
            ["uid"] = Guid.NewGuid().ToString(),
            ["creationTimestamp"] = KubeTime.Now(),
            ["labels"] = svc["metadata"]?["labels"]?.DeepClone(),
        },
    };

    public static JsonObject Slice(JsonObject svc)
    {
        var name = svc["metadata"]!["name"]!.ToString();
        var labels = svc["metadata"]?["labels"]?.DeepClone() as JsonObject ?? new JsonObject();
        labels["kubernetes.io/service-name"] = name;
        labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
        return new JsonObject
        {
            ["kind"] = "EndpointSlice",
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{name}-{Suffix()}",
                ["generateName"] = $"{name}-",
                ["namespace"] = svc["metadata"]!["namespace"]!.ToString(),
                ["uid"] = Guid.NewGuid().ToString(),
                ["generation"] = 1,
                ["creationTimestamp"] = KubeTime.Now(),
                ["labels"] = labels,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Service",
                    ["name"] = name,
                    ["uid"] = svc["metadata"]!["uid"]!.ToString(),
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["addressType"] = "IPv4",
        };
    }

    /// <summary>True when the slice was made by the controller for this Service.</summary>
    public static bool BelongsTo(JsonObject slice, string serviceName) =>
        slice["metadata"]?["labels"]?["kubernetes.io/service-name"]?.ToString() == serviceName;

    private static string Suffix() => new(Enumerable.Range(0, 5).Select(_ => SuffixAlphabet[Random.Shared.Next(SuffixAlphabet.Length)]).ToArray());
}
