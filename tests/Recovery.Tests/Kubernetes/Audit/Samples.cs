using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Kubernetes.Audit;

/// <summary>The `kubectl get -o json` samples beside this file (Samples/README.md says where each shape comes from).</summary>
internal static class Samples
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(Fixture.Dir, "..", "Kubernetes", "Audit", "Samples", name));

    /// <summary>The captured Services (several objects one after the other) as the List `get services -A` prints.</summary>
    public static string CapturedServicesAsList()
    {
        var items = new JsonArray();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(Fixture.Read("kubectl/services-list.json")), new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read()) items.Add(JsonNode.Parse(ref reader));
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items }.ToJsonString();
    }
}
