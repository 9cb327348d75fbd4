using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Recovery.Access;
using Recovery.Kubernetes;

namespace Recovery.Planning;

internal sealed class IPAddressJsonConverter : JsonConverter<IPAddress>
{
    public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return IPAddress.TryParse(text, out var address) && address.ToString() == text
            ? address
            : throw new JsonException($"'{text}' is not an IP address in canonical form");
    }

    public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

internal sealed class ServiceRefJsonConverter : JsonConverter<ServiceRef>
{
    public override ServiceRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("a Service must be \"namespace/name\"");
        try
        {
            return ServiceRef.Parse(text);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message);
        }
    }

    public override void Write(Utf8JsonWriter writer, ServiceRef value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

/// <summary>A ServicePort as "tcp/80", validated on read.</summary>
internal sealed class ServicePortJsonConverter : JsonConverter<ServicePort>
{
    public override ServicePort Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? "";
        var slash = text.IndexOf('/');
        try
        {
            return slash > 0 && int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out var port)
                ? new ServicePort(text[..slash], port)
                : throw new FormatException($"'{text}' is not a Service port: expected protocol/port, e.g. tcp/80");
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message);
        }
    }

    public override void Write(Utf8JsonWriter writer, ServicePort value, JsonSerializerOptions options) => writer.WriteStringValue($"{value.Protocol}/{value.Port}");
}
