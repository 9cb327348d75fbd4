using System.Net;
using System.Text.Json;

namespace Recovery.Kubernetes.Storage;

/// <summary>
/// Removes addresses from a JSON-stored Service by cutting their bytes out: every other byte stays exactly as the
/// apiserver wrote it (re-serialising would change Go's escapes such as \u003c). An array left empty loses its
/// property, as Go's omitempty writes it. The caller has checked that the value is a well-formed Service.
/// </summary>
internal sealed class JsonServiceStrip
{
    private readonly ReadOnlyMemory<byte> _json;
    private readonly IReadOnlyCollection<IPAddress> _addresses;
    private readonly List<Cut> _cuts = [];
    private readonly List<string> _external = [], _ingress = [];

    private JsonServiceStrip(ReadOnlyMemory<byte> json, IReadOnlyCollection<IPAddress> addresses) => (_json, _addresses) = (json, addresses);

    public static StripResult Strip(ReadOnlyMemory<byte> value, IReadOnlyCollection<IPAddress> addresses)
    {
        try
        {
            return new JsonServiceStrip(value, addresses).Run();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-8.
            throw new StorageFormatException($"Service JSON cannot be edited safely: {e.Message}");
        }
    }

    /// <summary>Bytes [Start, End) of the value are replaced by <see cref="Replacement"/>.</summary>
    private sealed record Cut(int Start, int End, byte[] Replacement);

    private readonly record struct Extent(int Start, int End);

    /// <summary>Reads (or skips) the member's value under the reader; true when the member must go (an emptied array).</summary>
    private delegate bool MemberVisitor(ref Utf8JsonReader reader, string name);

    private StripResult Run()
    {
        var reader = new Utf8JsonReader(_json.Span, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new StorageFormatException("Service JSON is not an object");
        Members(ref reader, (ref Utf8JsonReader service, string name) =>
        {
            if (name == "spec") Members(ref service, (ref Utf8JsonReader spec, string field) => field == "externalIPs" ? StripArray(ref spec, _external, ExternalIP) : Skip(ref spec));
            else if (name == "status") Members(ref service, (ref Utf8JsonReader status, string field) => field == "loadBalancer"
                ? Members(ref status, (ref Utf8JsonReader lb, string lbField) => lbField == "ingress" ? StripArray(ref lb, _ingress, IngressIP) : Skip(ref lb))
                : Skip(ref status));
            else service.Skip();
            return false;
        });

        if (_cuts.Count == 0) return new StripResult(_json.ToArray(), [], []);
        var bytes = _json.Span;
        var edited = new List<byte>(bytes.Length);
        var at = 0;
        foreach (var cut in _cuts.OrderBy(c => c.Start))
        {
            edited.AddRange(bytes[at..cut.Start]);
            edited.AddRange(cut.Replacement);
            at = cut.End;
        }

        edited.AddRange(bytes[at..]);
        return new StripResult([.. edited], _external, _ingress);
    }

    private static bool Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return false;
    }

    /// <summary>
    /// Walks the object under the reader (any other value is skipped), letting <paramref name="visit"/> read each
    /// member's value; a member it drops is cut with the comma that separates it from a neighbour. Returns false
    /// (the object itself stays), so it can answer for the member holding it.
    /// </summary>
    private bool Members(ref Utf8JsonReader reader, MemberVisitor visit)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return Skip(ref reader);
        var members = new List<Extent>();
        var dropped = new List<int>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var name = reader.GetString()!;
            reader.Read();
            if (visit(ref reader, name)) dropped.Add(members.Count);
            members.Add(new Extent(start, (int)reader.BytesConsumed));
        }

        foreach (var i in dropped)
        {
            _cuts.Add(i > 0
                ? new Cut(members[i - 1].End, members[i].End, [])
                : new Cut(members[0].Start, members.Count > 1 ? members[1].Start : members[0].End, []));
        }

        return false;
    }

    /// <summary>The address an array entry holds as written, or null for an entry that holds none.</summary>
    private delegate string? EntryAddress(ref Utf8JsonReader reader);

    private static string? ExternalIP(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String ? reader.GetString() : SkipEntry(ref reader);

    private string? IngressIP(ref Utf8JsonReader reader)
    {
        string? ip = null;
        Members(ref reader, (ref Utf8JsonReader entry, string field) =>
        {
            if (field == "ip" && entry.TokenType == JsonTokenType.String) ip = entry.GetString();
            else entry.Skip();
            return false;
        });
        return ip;
    }

    private static string? SkipEntry(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    /// <summary>
    /// Cuts the entries of the array under the reader that hold one of the addresses (noted in <paramref name="removed"/>);
    /// true when none is left, so the property goes.
    /// </summary>
    private bool StripArray(ref Utf8JsonReader reader, List<string> removed, EntryAddress address)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return Skip(ref reader);
        var arrayStart = (int)reader.TokenStartIndex;
        var kept = new List<Extent>();
        var before = removed.Count;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            if (address(ref reader) is { } text && ServiceClaimRule.Holds(text, _addresses)) removed.Add(text);
            else kept.Add(new Extent(start, (int)reader.BytesConsumed));
        }

        if (removed.Count == before) return false;
        if (kept.Count == 0) return true;
        var rebuilt = new List<byte> { (byte)'[' };
        foreach (var entry in kept)
        {
            if (rebuilt.Count > 1) rebuilt.Add((byte)',');
            rebuilt.AddRange(_json.Span[entry.Start..entry.End]);
        }

        rebuilt.Add((byte)']');
        _cuts.Add(new Cut(arrayStart, (int)reader.BytesConsumed, [.. rebuilt]));
        return false;
    }
}
