using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Lab.StandIns.Storage;
using Microsoft.AspNetCore.Http;

namespace Lab.StandIns.Http;

/// <summary>Routes one HTTP request: auth, health, discovery, then the resource handler.</summary>
internal sealed class Dispatcher(ResourceHandler handler, EtcdStore store, ClientAuth auth, string advertise)
{
    /// <summary>Go's encoding/json leaves quotes and non-ASCII as they are (HTML escaping aside).</summary>
    private static readonly JsonSerializerOptions GoJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task HandleAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        try
        {
            var path = ctx.Request.Path.Value ?? "/";
            var cert = await ctx.Connection.GetClientCertificateAsync(ct);
            if (auth.Refusal(cert, path) is { } refusal)
            {
                await WriteAsync(ctx, new ApiResult(refusal.Code, new ApiError(refusal.Code, refusal.Code == 401 ? "Unauthorized" : "Forbidden", refusal.Message).ToStatus()));
                return;
            }
            await WriteAsync(ctx, await RouteAsync(ctx, path, ct));
        }
        catch (ApiError e)
        {
            await WriteAsync(ctx, new ApiResult(e.Code, e.ToStatus()));
        }
        catch (SchemaException e)
        {
            await WriteAsync(ctx, new ApiResult(400, ApiError.BadRequest(e.Message).ToStatus()));
        }
        catch (JsonException e)
        {
            await WriteAsync(ctx, new ApiResult(400, ApiError.BadRequest($"the body is not valid JSON: {e.Message}").ToStatus()));
        }
        catch (InvalidDataException e)
        {
            await WriteAsync(ctx, new ApiResult(500, new ApiError(500, "InternalError", $"Internal error occurred: unable to decode an object stored in etcd: {e.Message}").ToStatus()));
        }
        catch (RpcException e)
        {
            await WriteAsync(ctx, new ApiResult(500, new ApiError(500, "InternalError", $"Internal error occurred: etcd: {e.Status.Detail}").ToStatus()));
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or KeyNotFoundException)
        {
            // A body whose values have the wrong JSON type somewhere the rules read them: answer, do not crash.
            await WriteAsync(ctx, new ApiResult(400, ApiError.BadRequest($"the request could not be processed: {e.Message}").ToStatus()));
        }
    }

    private async Task<ApiResult?> RouteAsync(HttpContext ctx, string path, CancellationToken ct)
    {
        switch (path.TrimEnd('/'))
        {
            case "/healthz" or "/livez" or "/readyz":
                return await HealthAsync(ct);
            case "/version":
                return new(200, Discovery.Version());
            case "/api":
                return new(200, Discovery.ApiVersions(advertise));
            case "/api/v1":
                return new(200, Discovery.Resources("v1"));
            case "/apis":
                return new(200, Discovery.GroupList());
            case "/apis/discovery.k8s.io":
                return new(200, Discovery.Group());
            case "/apis/discovery.k8s.io/v1":
                return new(200, Discovery.Resources("discovery.k8s.io/v1"));
            case "/openapi/v2":
                ctx.Response.ContentType = "application/octet-stream";
                await ctx.Response.Body.WriteAsync(Discovery.OpenApiV2(), ct);
                return null;
        }
        var route = Route.Parse(path) ?? throw new ApiError(404, "NotFound", "the server could not find the requested resource");
        var q = ctx.Request.Query;
        var table = Tables.Wanted(ctx.Request.Headers.Accept.ToString());
        var dryRun = q.ContainsKey("dryRun");
        var manager = ManagedFields.Manager(q["fieldManager"], ctx.Request.Headers.UserAgent);
        var method = ctx.Request.Method;
        if (route.Name is null)
        {
            return method switch
            {
                "GET" when q["watch"] is { Count: > 0 } w && w[0] is "true" or "1" =>
                    throw ApiError.MethodNotAllowed("watch is not supported by the lab's kube-apiserver stand-in"),
                "GET" => await handler.ListAsync(route.Resource, route.Namespace, new Selectors(q["labelSelector"], q["fieldSelector"]), table, ct),
                "POST" when route.Namespace is not null || !route.Resource.Namespaced =>
                    await handler.CreateAsync(route.Resource, route.Namespace, await BodyAsync(ctx, ct), manager, dryRun, ct),
                _ => throw ApiError.MethodNotAllowed($"the server does not allow this method on the requested resource ({method} {path})"),
            };
        }
        return method switch
        {
            "GET" => await handler.GetAsync(route.Resource, route.Namespace, route.Name, table, ct),
            "PUT" => await handler.UpdateAsync(route.Resource, route.Namespace, route.Name, await BodyAsync(ctx, ct), route.Status, manager, dryRun, ct),
            "PATCH" => await handler.PatchAsync(route.Resource, route.Namespace, route.Name, MediaType(ctx), await BodyAsync(ctx, ct), route.Status, manager, dryRun, ct),
            "DELETE" when !route.Status => await handler.DeleteAsync(route.Resource, route.Namespace, route.Name, ct),
            _ => throw ApiError.MethodNotAllowed($"the server does not allow this method on the requested resource ({method} {path})"),
        };
    }

    private async Task<ApiResult> HealthAsync(CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await store.ListAsync(Resource.Nodes, null, timeout.Token);
            return new(200, JsonValue.Create("ok"));
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            return new(500, JsonValue.Create("[-]etcd failed: reason withheld\nhealthz check failed"));
        }
    }

    private static string MediaType(HttpContext ctx) =>
        (ctx.Request.ContentType ?? "").Split(';')[0].Trim();

    private static async Task<JsonNode?> BodyAsync(HttpContext ctx, CancellationToken ct)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var text = await reader.ReadToEndAsync(ct);
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    private static async Task WriteAsync(HttpContext ctx, ApiResult? result)
    {
        if (result is null || ctx.Response.HasStarted)
            return;
        ctx.Response.StatusCode = result.Code;
        if (result.Body is JsonValue v && v.TryGetValue<string>(out var text))
        {
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            await ctx.Response.WriteAsync(text, ctx.RequestAborted);
            return;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(result.Body.ToJsonString(GoJson), ctx.RequestAborted);
    }
}
