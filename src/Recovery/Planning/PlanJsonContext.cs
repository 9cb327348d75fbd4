using System.Text.Json.Serialization;

namespace Recovery.Planning;

/// <summary>Source-generated serialization of plans (trim-safe, no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(IPAddressJsonConverter), typeof(ServiceRefJsonConverter), typeof(ServicePortJsonConverter)])]
[JsonSerializable(typeof(Plan))]
internal sealed partial class PlanJsonContext : JsonSerializerContext;
