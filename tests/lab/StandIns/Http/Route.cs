using Lab.StandIns.Storage;

namespace Lab.StandIns.Http;

/// <summary>A resource URL: /api/v1[/namespaces/NS]/PLURAL[/NAME[/status]] or the same under /apis/GROUP/VERSION.</summary>
internal sealed record Route(Resource Resource, string? Namespace, string? Name, bool Status)
{
    public static Route? Parse(string path)
    {
        var parts = path.Trim('/').Split('/');
        string groupVersion;
        int rest;
        if (parts.Length >= 3 && parts[0] == "api" && parts[1] == "v1")
            (groupVersion, rest) = ("v1", 2);
        else if (parts.Length >= 4 && parts[0] == "apis")
            (groupVersion, rest) = ($"{parts[1]}/{parts[2]}", 3);
        else
            return null;
        string? ns = null;
        if (parts.Length - rest >= 3 && parts[rest] == "namespaces")
        {
            ns = parts[rest + 1];
            rest += 2;
        }
        var tail = parts[rest..];
        var resource = Resource.All.FirstOrDefault(r => r.ApiVersion == groupVersion && r.Plural == tail[0]);
        if (resource is null || tail.Length > 3 || (tail.Length == 3 && !(tail[2] == "status" && resource.HasStatus)))
            return null;
        if (ns is not null && !resource.Namespaced)
            return null;
        if (ns is null && resource.Namespaced && tail.Length > 1)
            return null;
        return new Route(resource, ns, tail.Length > 1 ? tail[1] : null, tail.Length == 3);
    }
}
