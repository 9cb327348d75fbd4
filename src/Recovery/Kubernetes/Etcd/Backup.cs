using System.Text.Json.Serialization;

namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// Everything needed to undo one etcd change, written before the change (kube-recover/v1 Backup).
/// Values are base64 of the exact bytes read; revisions are those the guarded transaction compared.
/// </summary>
internal sealed record Backup
{
    public const string CurrentApiVersion = "kube-recover/v1";
    public const string BackupKind = "Backup";

    public string ApiVersion { get; init; } = CurrentApiVersion;

    public string Kind { get; init; } = BackupKind;

    /// <summary>"delete" or "strip".</summary>
    public required string Action { get; init; }

    /// <summary>NS/NAME of the Service.</summary>
    public required string Service { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string ToolVersion { get; init; }

    public required string Prefix { get; init; }

    /// <summary>Hex, as etcdctl prints it.</summary>
    public required string ClusterId { get; init; }

    public required string MemberId { get; init; }

    public required IReadOnlyList<BackupKey> Keys { get; init; }

    /// <summary>Strip only: the value the tool writes (base64), so a restore can recognise its own write.</summary>
    public string? StrippedValue { get; init; }

    /// <summary>Strip only: addresses removed.</summary>
    public IReadOnlyList<string>? RemovedAddresses { get; init; }

    /// <summary>Strip only: the mod revision of the tool's write, recorded after the transaction.</summary>
    public long? WrittenModRevision { get; init; }
}

/// <summary>One key as it was before the change.</summary>
internal sealed record BackupKey(string Key, string Value, long CreateRevision, long ModRevision);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Backup))]
internal sealed partial class BackupJson : JsonSerializerContext;
