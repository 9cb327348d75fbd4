using System.Text.Json.Nodes;

namespace Lab.StandIns.Storage;

/// <summary>Helpers shared by the protobuf encoder and decoder and the HTTP layer.</summary>
internal static class ProtoJson
{
    /// <summary>
    /// Hidden member holding fields the schema does not model (base64 of each tagged field), so re-encoding a
    /// value read from etcd keeps them. Never leaves the server: <see cref="StripHidden"/> removes it.
    /// </summary>
    public const string UnknownKey = "\u0001unknownProtoFields";

    /// <summary>A deep copy without the hidden members, for clients.</summary>
    public static JsonNode? StripHidden(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o)
                    if (k != UnknownKey)
                        copy[k] = StripHidden(v);
                return copy;
            case JsonArray a:
                var list = new JsonArray();
                foreach (var v in a)
                    list.Add(StripHidden(v));
                return list;
            default:
                return node?.DeepClone();
        }
    }
}
