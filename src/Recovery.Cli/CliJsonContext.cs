using System.Text.Json.Serialization;
using Recovery.Cli.Commands;

namespace Recovery.Cli;

/// <summary>Source-generated JSON for the CLI's own documents (trim-safe, no reflection at run time).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(VersionDocument))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
