using System.Globalization;
using System.Text.Json.Nodes;
using Lab.StandIns.Storage;

namespace Lab.StandIns.Http;

/// <summary>An API response: HTTP status code and JSON body.</summary>
internal sealed record ApiResult(int Code, JsonNode Body);

/// <summary>
/// get/list/create/update/patch/delete (and the status subresource) of one resource, stored in etcd. Services
/// also get the registry's allocation and the endpoint controllers' objects; deleting a Service deletes them.
/// </summary>
internal sealed class ResourceHandler(EtcdStore store, AllocationBitmaps bitmaps)
{
    private const int PatchAttempts = 5;

    public async Task<ApiResult> ListAsync(Resource r, string? ns, Selectors selectors, bool table, CancellationToken ct)
    {
        var (items, revision) = await store.ListAsync(r, ns, ct);
        var matching = items.Select(i => i.Object).Where(selectors.Matches).ToList();
        if (table)
            return new(200, Tables.Build(r, matching, revision));
        var list = new JsonArray();
        foreach (var item in matching)
        {
            var clean = (JsonObject)ProtoJson.StripHidden(item)!;
            clean.Remove("kind");
            clean.Remove("apiVersion");
            list.Add(clean);
        }
        return new(200, new JsonObject
        {
            ["kind"] = r.Kind + "List",
            ["apiVersion"] = r.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
            ["items"] = list,
        });
    }

    public async Task<ApiResult> GetAsync(Resource r, string? ns, string name, bool table, CancellationToken ct)
    {
        var found = await Require(r, ns, name, ct);
        return table ? new(200, Tables.Build(r, [found.Object], found.ModRevision)) : new(200, ProtoJson.StripHidden(found.Object)!);
    }

    public async Task<ApiResult> CreateAsync(Resource r, string? ns, JsonNode? body, string manager, bool dryRun, CancellationToken ct)
    {
        var obj = ObjectRules.Body(body, r, ns);
        var errors = ObjectRules.PrepareCreate(obj, r);
        var name = ObjectRules.Meta(obj)["name"]?.ToString() ?? "";
        var sentSpec = obj["spec"]?.DeepClone() as JsonObject;
        if (r == Resource.Services)
        {
            obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
            if (errors.Count == 0)
                errors.AddRange(ServiceRules.Prepare(obj, null, await AllocatorAsync(ct)));
        }
        if (errors.Count > 0)
            throw ApiError.Invalid(r.Kind, r.Group, name, errors);
        ManagedFields.Record(obj, null, manager, r.ApiVersion);
        if (r == Resource.Services)
            ManagedFields.ForgetAllocated(obj, sentSpec, manager);
        ObjectCodec.ToStorage(r, obj); // a body that does not fit the type fails here, before anything is written
        if (dryRun)
            return new(201, ProtoJson.StripHidden(obj)!);
        var (outcome, revision) = await store.CreateAsync(r, ns, name, obj, ct);
        if (outcome == WriteOutcome.AlreadyExists)
            throw ApiError.AlreadyExists(r.Plural, r.Group, name);
        Log($"created {r.Plural} {Describe(ns, name)}");
        if (r == Resource.Services)
            await ClaimAsync(null, obj, ct);
        if (r == Resource.Services && EndpointControllers.Manages(obj))
        {
            var endpoints = EndpointControllers.Endpoints(obj);
            ManagedFields.Record(endpoints, null, EndpointControllers.Manager, Resource.Endpoints.ApiVersion);
            await store.CreateAsync(Resource.Endpoints, ns, name, endpoints, ct);
            var slice = EndpointControllers.Slice(obj);
            ManagedFields.Record(slice, null, EndpointControllers.Manager, Resource.EndpointSlices.ApiVersion);
            await store.CreateAsync(Resource.EndpointSlices, ns, slice["metadata"]!["name"]!.ToString(), slice, ct);
        }
        return new(201, Stamped(r, obj, revision));
    }

    public async Task<ApiResult> UpdateAsync(Resource r, string? ns, string name, JsonNode? body, bool status, string manager, bool dryRun, CancellationToken ct)
    {
        var obj = ObjectRules.Body(body, r, ns);
        var bodyName = ObjectRules.Meta(obj)["name"]?.ToString();
        if (bodyName != name)
            throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        var old = await Require(r, ns, name, ct);
        var wanted = ObjectRules.Meta(obj)["resourceVersion"]?.ToString();
        if (!string.IsNullOrEmpty(wanted) && wanted != old.ModRevision.ToString(CultureInfo.InvariantCulture))
            throw ApiError.Conflict(r.Plural, r.Group, name);
        return await WriteUpdateAsync(r, ns, name, old, obj, status, manager, dryRun, ct);
    }

    public async Task<ApiResult> PatchAsync(Resource r, string? ns, string name, string contentType, JsonNode? patch, bool status, string manager, bool dryRun, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var old = await Require(r, ns, name, ct);
            var patched = contentType switch
            {
                "application/json-patch+json" => JsonPatch.Apply(old.Object, patch),
                "application/merge-patch+json" => MergePatch.Apply(old.Object, patch),
                "application/strategic-merge-patch+json" => StrategicMerge.Apply(old.Object, patch),
                _ => throw ApiError.UnsupportedMediaType(contentType),
            };
            var obj = ObjectRules.Body(patched, r, ns);
            var wanted = ObjectRules.Meta(obj)["resourceVersion"]?.ToString();
            var pinned = !string.IsNullOrEmpty(wanted) && wanted != old.Object["metadata"]?["resourceVersion"]?.ToString();
            if (pinned)
                throw ApiError.Conflict(r.Plural, r.Group, name);
            try
            {
                return await WriteUpdateAsync(r, ns, name, old, obj, status, manager, dryRun, ct);
            }
            catch (ApiError e) when (e.Code == 409 && attempt < PatchAttempts)
            {
                // Like the real server, a patch that does not pin a resourceVersion is retried on the new object.
            }
        }
    }

    public async Task<ApiResult> DeleteAsync(Resource r, string? ns, string name, CancellationToken ct)
    {
        var old = await Require(r, ns, name, ct);
        var (outcome, _) = await store.DeleteAsync(r, ns, name, old.ModRevision, ct);
        if (outcome == WriteOutcome.Conflict)
            throw ApiError.Conflict(r.Plural, r.Group, name);
        if (outcome == WriteOutcome.NotFound)
            throw ApiError.NotFound(r.Plural, r.Group, name);
        Log($"deleted {r.Plural} {Describe(ns, name)}");
        if (r == Resource.Services)
        {
            await ClaimAsync(old.Object, null, ct);
            await store.DeleteAsync(Resource.Endpoints, ns, name, null, ct);
            var (slices, _) = await store.ListAsync(Resource.EndpointSlices, ns, ct);
            foreach (var slice in slices.Where(s => EndpointControllers.BelongsTo(s.Object, name)))
                await store.DeleteAsync(Resource.EndpointSlices, ns, slice.Object["metadata"]!["name"]!.ToString(), null, ct);
        }
        var details = new JsonObject { ["name"] = name, ["kind"] = r.Plural, ["uid"] = old.Object["metadata"]?["uid"]?.DeepClone() };
        if (r.Group.Length > 0)
            details["group"] = r.Group;
        return new(200, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        });
    }

    private async Task<ApiResult> WriteUpdateAsync(Resource r, string? ns, string name, StoredObject old, JsonObject obj, bool status, string manager, bool dryRun, CancellationToken ct)
    {
        JsonObject updated;
        if (status)
        {
            // The status subresource changes status only.
            updated = (JsonObject)old.Object.DeepClone();
            updated["status"] = obj["status"]?.DeepClone();
        }
        else
        {
            updated = obj;
            if (r.HasStatus)
                updated["status"] = old.Object["status"]?.DeepClone();
        }
        ObjectRules.KeepIdentity(updated, old.Object);
        if (r == Resource.Services)
        {
            var errors = ServiceRules.Prepare(updated, old.Object, await AllocatorAsync(ct, except: old.Object));
            if (errors.Count > 0)
                throw ApiError.Invalid(r.Kind, r.Group, name, errors);
        }
        ManagedFields.Record(updated, old.Object, manager, r.ApiVersion);
        var bytes = ObjectCodec.ToStorage(r, updated);
        if (bytes.AsSpan().SequenceEqual(ObjectCodec.ToStorage(r, old.Object)))
            return new(200, ProtoJson.StripHidden(old.Object)!); // no change: nothing is written, resourceVersion stays
        if (dryRun)
            return new(200, ProtoJson.StripHidden(updated)!);
        var (outcome, revision) = await store.UpdateAsync(r, ns, name, updated, old.ModRevision, ct);
        switch (outcome)
        {
            case WriteOutcome.Conflict:
                throw ApiError.Conflict(r.Plural, r.Group, name);
            case WriteOutcome.NotFound:
                throw ApiError.NotFound(r.Plural, r.Group, name);
        }
        Log($"updated {r.Plural}{(status ? "/status" : "")} {Describe(ns, name)}");
        if (r == Resource.Services)
            await ClaimAsync(old.Object, updated, ct);
        return new(200, Stamped(r, updated, revision));
    }

    /// <summary>Keeps the allocator bitmaps in step; if that write fails the repair loop catches up.</summary>
    private async Task ClaimAsync(JsonObject? before, JsonObject? after, CancellationToken ct)
    {
        try
        {
            await bitmaps.ClaimAsync(before, after, ct);
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or ApiError or InvalidDataException)
        {
            Log($"allocator bitmaps not updated ({e.Message}); the repair loop will correct them");
        }
    }

    private async Task<StoredObject> Require(Resource r, string? ns, string name, CancellationToken ct) =>
        await store.GetAsync(r, ns, name, ct) ?? throw ApiError.NotFound(r.Plural, r.Group, name);

    private async Task<ServiceAllocator> AllocatorAsync(CancellationToken ct, JsonObject? except = null)
    {
        var (all, _) = await store.ListAsync(Resource.Services, null, ct);
        var uid = except?["metadata"]?["uid"]?.ToString();
        return new ServiceAllocator(all.Select(s => s.Object).Where(s => uid is null || s["metadata"]?["uid"]?.ToString() != uid).ToList(),
            bitmaps.Ranges, await bitmaps.ReadAsync(AllocationBitmaps.ServiceIps, ct), await bitmaps.ReadAsync(AllocationBitmaps.NodePorts, ct));
    }

    /// <summary>The object exactly as a later GET will show it: decoded from the bytes just stored.</summary>
    private static JsonNode Stamped(Resource r, JsonObject obj, long revision) =>
        ProtoJson.StripHidden(ObjectCodec.FromStorage(r, ObjectCodec.ToStorage(r, obj), revision))!;

    private static string Describe(string? ns, string name) => ns is null ? name : $"{ns}/{name}";

    private static void Log(string message) => Console.Error.WriteLine($"kube-apiserver: {message}");
}
