using System.Text.Json.Serialization;

namespace Recovery.Diagnosis.Json;

/// <summary>Source-generated serializer for the diagnosis document: no reflection, safe to trim.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DiagnosisDocument))]
internal sealed partial class DiagnosisJsonContext : JsonSerializerContext;
