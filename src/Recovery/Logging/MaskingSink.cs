using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Recovery.Logging;

/// <summary>
/// The last step before any sink: rebuilds each event with its message template, every property value and the
/// exception text passed through <see cref="SecretMask"/>. Wrapping the sinks (rather than trusting call sites)
/// means a secret logged by mistake, interpolated or not, still never reaches stderr or the audit file.
/// </summary>
internal sealed class MaskingSink(ILogEventSink inner) : ILogEventSink, IDisposable
{
    private static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent logEvent)
    {
        var template = SecretMask.Mask(logEvent.MessageTemplate.Text);
        var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, MaskValue(p.Value)));
        var exception = logEvent.Exception is null ? null : new MaskedException(logEvent.Exception);
        inner.Emit(new LogEvent(logEvent.Timestamp, logEvent.Level, exception, Parser.Parse(template), properties));
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private static LogEventPropertyValue MaskValue(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } => new ScalarValue(SecretMask.Mask(s)),
        ScalarValue { Value: not null } scalar when scalar.Value.GetType() != typeof(string) && !scalar.Value.GetType().IsPrimitive
            => new ScalarValue(SecretMask.Mask(scalar.Value.ToString())),
        SequenceValue seq => new SequenceValue(seq.Elements.Select(MaskValue)),
        StructureValue st => new StructureValue(st.Properties.Select(p => new LogEventProperty(p.Name, MaskValue(p.Value))), st.TypeTag),
        DictionaryValue dict => new DictionaryValue(dict.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(kv.Key, MaskValue(kv.Value)))),
        _ => value,
    };

    /// <summary>An exception whose message and stack text are masked; keeps the original type name for the reader.</summary>
    private sealed class MaskedException(Exception original) : Exception(SecretMask.Mask(original.Message))
    {
        private readonly string _text = SecretMask.Mask(original.ToString());

        public override string ToString() => _text;
    }
}
