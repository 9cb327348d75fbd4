using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lab.StandIns.Storage;

namespace Lab.StandIns.Http;

/// <summary>Metadata handling every resource shares: identity on create, immutable fields on update, names.</summary>
internal static partial class ObjectRules
{
    public static JsonObject Meta(JsonObject obj) =>
        obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());

    /// <summary>Checks kind/apiVersion/namespace of a request body against the URL, like the real decoder does.</summary>
    public static JsonObject Body(JsonNode? body, Resource resource, string? ns)
    {
        if (body is not JsonObject obj)
            throw ApiError.BadRequest($"the body of the request must be a JSON object of kind {resource.Kind}");
        if (obj["apiVersion"]?.ToString() is { } v && v != resource.ApiVersion)
            throw ApiError.BadRequest($"the API version in the data ({v}) does not match the expected API version ({resource.ApiVersion})");
        if (obj["kind"]?.ToString() is { } k && k != resource.Kind)
            throw ApiError.BadRequest($"the kind in the data ({k}) does not match the expected kind ({resource.Kind})");
        var meta = Meta(obj);
        if (resource.Namespaced)
        {
            if (meta["namespace"]?.ToString() is { Length: > 0 } given && given != ns)
                throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }
        obj["apiVersion"] = resource.ApiVersion;
        obj["kind"] = resource.Kind;
        return obj;
    }

    public static List<FieldError> PrepareCreate(JsonObject obj, Resource resource)
    {
        var errors = new List<FieldError>();
        var meta = Meta(obj);
        if (meta["name"]?.ToString() is not { Length: > 0 } && meta["generateName"]?.ToString() is { Length: > 0 } prefix)
            meta["name"] = prefix + new string(Enumerable.Range(0, 5).Select(_ => "bcdfghjklmnpqrstvwxz2456789"[Random.Shared.Next(27)]).ToArray());
        var name = meta["name"]?.ToString() ?? "";
        if (name.Length == 0)
            errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        else if (resource == Resource.Services ? !Dns1035().IsMatch(name) : !Dns1123Subdomain().IsMatch(name))
            errors.Add(FieldError.InvalidValue("metadata.name", meta["name"], resource == Resource.Services
                ? "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
                : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = KubeTime.Now();
        meta.Remove("resourceVersion");
        meta.Remove("selfLink");
        meta.Remove("deletionTimestamp");
        return errors;
    }

    /// <summary>Identity and bookkeeping come from the stored object whatever the client sent.</summary>
    public static void KeepIdentity(JsonObject updated, JsonObject old)
    {
        var meta = Meta(updated);
        var oldMeta = Meta(old);
        foreach (var field in new[] { "uid", "creationTimestamp", "generateName", "deletionTimestamp", "selfLink" })
        {
            if (oldMeta[field] is { } v)
                meta[field] = v.DeepClone();
            else
                meta.Remove(field);
        }
        if (oldMeta[ProtoJson.UnknownKey] is { } kept && meta[ProtoJson.UnknownKey] is null)
            meta[ProtoJson.UnknownKey] = kept.DeepClone();
        if (old[ProtoJson.UnknownKey] is { } top && updated[ProtoJson.UnknownKey] is null)
            updated[ProtoJson.UnknownKey] = top.DeepClone();
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1035();

    [GeneratedRegex("^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();
}
