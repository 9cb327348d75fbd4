using System.Globalization;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Storage;

/// <summary>Object JSON &lt;-&gt; stored etcd value, as the kube-apiserver's protobuf storage codec does it.</summary>
internal static class ObjectCodec
{
    public static byte[] ToStorage(Resource resource, JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("apiVersion");
        copy.Remove("kind");
        // resourceVersion is never stored: it is the key's mod revision.
        if (copy["metadata"] is JsonObject meta)
            meta.Remove("resourceVersion");
        return new Envelope(resource.ApiVersion, resource.Kind, ProtoEncoder.Encode(copy, resource.Schema)).ToBytes();
    }

    public static JsonObject FromStorage(Resource resource, byte[] value, long modRevision)
    {
        var envelope = Envelope.Parse(value);
        var body = ProtoDecoder.Decode(envelope.Raw, resource.Schema);
        var obj = new JsonObject
        {
            ["kind"] = envelope.Kind.Length > 0 ? envelope.Kind : resource.Kind,
            ["apiVersion"] = envelope.ApiVersion.Length > 0 ? envelope.ApiVersion : resource.ApiVersion,
        };
        foreach (var (k, v) in body.ToList())
        {
            body.Remove(k);
            obj[k] = v;
        }
        if (obj["metadata"] is JsonObject meta)
            SetResourceVersion(meta, modRevision);
        return obj;
    }

    /// <summary>Puts resourceVersion right after uid, where Go's ObjectMeta has it.</summary>
    private static void SetResourceVersion(JsonObject meta, long modRevision)
    {
        var entries = meta.ToList();
        meta.Clear();
        var placed = false;
        foreach (var (k, v) in entries)
        {
            if (k == "resourceVersion")
                continue;
            if (!placed && k is "generation" or "creationTimestamp" or "deletionTimestamp" or "labels" or "annotations")
            {
                meta["resourceVersion"] = modRevision.ToString(CultureInfo.InvariantCulture);
                placed = true;
            }
            meta[k] = v;
        }
        if (!placed)
            meta["resourceVersion"] = modRevision.ToString(CultureInfo.InvariantCulture);
    }
}
