using System.Text.Json.Nodes;

namespace Lab.StandIns.Http;

/// <summary>A request that fails the way the kube-apiserver fails it: HTTP code + metav1.Status body.</summary>
internal sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = reason,
        };
        if (details is not null)
            status["details"] = details.DeepClone();
        status["code"] = Code;
        return status;
    }

    private static JsonObject Details(string name, string? group, string kind)
    {
        var d = new JsonObject { ["name"] = name };
        if (!string.IsNullOrEmpty(group))
            d["group"] = group;
        d["kind"] = kind;
        return d;
    }

    public static ApiError NotFound(string plural, string? group, string name) =>
        new(404, "NotFound", $"{Qualified(plural, group)} \"{name}\" not found", Details(name, group, plural));

    public static ApiError AlreadyExists(string plural, string? group, string name) =>
        new(409, "AlreadyExists", $"{Qualified(plural, group)} \"{name}\" already exists", Details(name, group, plural));

    public static ApiError Conflict(string plural, string? group, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(plural, group)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Details(name, group, plural));

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiError UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {contentType})");

    /// <summary>422 with one cause per field, worded like apimachinery's field.ErrorList.</summary>
    public static ApiError Invalid(string kind, string? group, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
            causes.Add(new JsonObject { ["reason"] = e.Reason, ["message"] = e.Detail, ["field"] = e.Field });
        var details = Details(name, group, kind);
        details["causes"] = causes;
        var summary = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
        return new ApiError(422, "Invalid", $"{kind} \"{name}\" is invalid: {summary}", details);
    }

    private static string Qualified(string plural, string? group) => string.IsNullOrEmpty(group) ? plural : $"{plural}.{group}";
}

/// <summary>One validation failure: field path, reason (FieldValueInvalid, FieldValueRequired, ...) and detail.</summary>
internal sealed record FieldError(string Field, string Reason, string Detail)
{
    public static FieldError InvalidValue(string field, JsonNode? value, string why) =>
        new(field, "FieldValueInvalid", $"Invalid value: {value?.ToJsonString() ?? "null"}: {why}");

    public static FieldError Required(string field, string why = "") =>
        new(field, "FieldValueRequired", why.Length == 0 ? "Required value" : $"Required value: {why}");

    public static FieldError Unsupported(string field, JsonNode? value, params string[] supported) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: {value?.ToJsonString() ?? "null"}: supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}");

    public static FieldError Duplicate(string field, JsonNode? value) =>
        new(field, "FieldValueDuplicate", $"Duplicate value: {value?.ToJsonString() ?? "null"}");

    public override string ToString() => $"{Field}: {Detail}";
}
