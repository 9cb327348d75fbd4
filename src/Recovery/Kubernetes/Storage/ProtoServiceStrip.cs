using System.Net;

namespace Recovery.Kubernetes.Storage;

/// <summary>
/// Removes addresses from a protobuf Service at the wire level: spec.externalIPs (spec field 5) entries and
/// status.loadBalancer.ingress entries whose ip matches. Only the lengths on the path to a removed entry change
/// (envelope raw, spec or status, loadBalancer); every other byte stays as it was.
/// </summary>
internal static class ProtoServiceStrip
{
    public static StripResult Strip(ReadOnlyMemory<byte> value, StoredValue envelope, IReadOnlyCollection<IPAddress> addresses)
    {
        List<string> external = [], ingress = [];
        var raw = WireRewrite.Message(envelope.Raw.Span, envelope.RawOffset, "Service", 1, (ref ProtoReader service, in ProtoField f) => f.Number switch
        {
            2 => FieldEdit.ReplaceWith(WireRewrite.Message(f.Payload, f.PayloadStart, "Service.spec", 2, (ref ProtoReader spec, in ProtoField s) =>
            {
                if (s.Number != 5) return FieldEdit.Keep;
                var ip = spec.String(s);
                if (!ServiceClaimRule.Holds(ip, addresses)) return FieldEdit.Keep;
                external.Add(ip);
                return FieldEdit.Drop;
            })),
            3 => FieldEdit.ReplaceWith(WireRewrite.Message(f.Payload, f.PayloadStart, "Service.status", 2, (ref ProtoReader status, in ProtoField st) =>
                st.Number != 1 ? FieldEdit.Keep : FieldEdit.ReplaceWith(WireRewrite.Message(st.Payload, st.PayloadStart, "Service.status.loadBalancer", 3, (ref ProtoReader lb, in ProtoField l) =>
                {
                    if (l.Number != 1) return FieldEdit.Keep;
                    var entry = lb.Message(l, "Service.status.loadBalancer.ingress");
                    while (entry.Next(out var e))
                    {
                        if (e.Number != 1) continue;
                        var ip = entry.String(e);
                        if (!ServiceClaimRule.Holds(ip, addresses)) continue;
                        ingress.Add(ip);
                        return FieldEdit.Drop;
                    }

                    return FieldEdit.Keep;
                })))),
            _ => FieldEdit.Keep,
        });
        if (raw is null) return new StripResult(value.ToArray(), [], []);

        var span = value.Span;
        var body = span[..(span.Length - envelope.TrailingBytes)];
        var rewritten = WireRewrite.Message(body[4..], 4, "envelope (runtime.Unknown)", 0, (ref ProtoReader _, in ProtoField f) =>
            f.Number == 2 ? FieldEdit.ReplaceWith(raw) : FieldEdit.Keep)!;
        var writer = new ProtoWriter(span.Length);
        writer.Raw(span[..4]);
        writer.Raw(rewritten);
        writer.Raw(span[body.Length..]);
        return new StripResult(writer.ToArray(), external, ingress);
    }
}
