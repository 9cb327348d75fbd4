using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Recovery.Access;
using Recovery.Kubernetes;

namespace Recovery.Planning;

/// <summary>
/// A command in a plan file: a simple command is its argv array, a sequence is {"left", "op", "right"}. Reading
/// goes back through <see cref="ShellCommand"/>, so every word is validated exactly as when the Planner built it.
/// </summary>
internal sealed class ShellCommandJsonConverter : JsonConverter<ShellCommand>
{
    public override ShellCommand Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var argv = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String) throw new JsonException("a command word must be a string");
                argv.Add(reader.GetString()!);
            }
            if (argv.Count == 0) throw new JsonException("a command needs at least a program name");
            return ShellCommand.Of(argv);
        }
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a command must be an argv array or a {left, op, right} sequence");
        ShellCommand? left = null, right = null;
        string? op = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "left": left = Read(ref reader, typeToConvert, options); break;
                case "right": right = Read(ref reader, typeToConvert, options); break;
                case "op": op = reader.GetString(); break;
                default: throw new JsonException($"unknown command field '{name}'");
            }
        }
        if (left is null || right is null) throw new JsonException("a command sequence needs left and right");
        return op switch
        {
            "&&" => left.AndThen(right),
            "||" => left.OrElse(right),
            ";" => left.Then(right),
            _ => throw new JsonException($"'{op}' is not a command operator: expected &&, || or ;"),
        };
    }

    public override void Write(Utf8JsonWriter writer, ShellCommand value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case ShellCommand.Simple simple:
                writer.WriteStartArray();
                foreach (var word in simple.Argv) writer.WriteStringValue(word);
                writer.WriteEndArray();
                break;
            case ShellCommand.Sequence sequence:
                writer.WriteStartObject();
                writer.WritePropertyName("left");
                Write(writer, sequence.Left, options);
                writer.WriteString("op", sequence.Operator);
                writer.WritePropertyName("right");
                Write(writer, sequence.Right, options);
                writer.WriteEndObject();
                break;
            default:
                throw new JsonException($"unknown command type {value.GetType().Name}");
        }
    }
}

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
