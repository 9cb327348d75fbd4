using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recovery.Prevention.Audit;

/// <summary>`audit --json`: the report as a versioned document (apiVersion kube-recover/v1, kind Audit; README describes it).</summary>
internal static class AuditJson
{
    public const string Kind = "Audit";

    private static readonly AuditJsonContext Context = new(new JsonSerializerOptions(AuditJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Render(AuditReport report) => JsonSerializer.Serialize(new AuditDocument(
        "kube-recover/v1", Kind, report.Found, report.Incomplete,
        new ProxyModeDocument(report.ProxyMode.Mode, report.ProxyMode.Source),
        report.Guarded.Select(g => new GuardedDocument(g.Address.ToString(), g.Owner)).ToList(),
        report.Findings.Select(f => new FindingDocument(f.Object, f.Field, f.Value, f.Address.ToString(), f.Owner, AuditText.ExposureName(f.Exposure))).ToList(),
        report.Sources.Select(s => new SourceDocument(s.Name, s.StateText, s.Detail.Length == 0 ? null : s.Detail)).ToList()),
        Context.AuditDocument) + "\n";
}

// The wire format of `audit --json`; change it together with README.
internal sealed record AuditDocument(string ApiVersion, string Kind, bool Found, bool Incomplete, ProxyModeDocument ProxyMode,
    IReadOnlyList<GuardedDocument> Guarded, IReadOnlyList<FindingDocument> Findings, IReadOnlyList<SourceDocument> Sources);

internal sealed record ProxyModeDocument(string? Mode, string Source);

internal sealed record GuardedDocument(string Address, string Owner);

/// <summary>exposure: active | latent | unknown.</summary>
internal sealed record FindingDocument(string Object, string Field, string Value, string Address, string Owner, string Exposure);

/// <summary>state: read | absent | not installed | could not read.</summary>
internal sealed record SourceDocument(string Name, string State, string? Detail);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AuditDocument))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
