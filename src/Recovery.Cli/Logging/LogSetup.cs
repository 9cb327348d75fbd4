using Recovery.Logging;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using Serilog.Sinks.SystemConsole.Themes;

namespace Recovery.Cli.Logging;

/// <summary>
/// Human lines on stderr (one per event, colour only on a terminal) and, once a command acts, a JSON audit log
/// in the state directory. Every sink sits behind <see cref="MaskingSink"/>, so no secret reaches either.
/// </summary>
internal static class LogSetup
{
    private const string HumanTemplate = "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}";
    private const string VerboseTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}";

    public const string AuditFileName = "audit.jsonl";

    private static LoggingLevelSwitch Level { get; } = new(LogEventLevel.Information);

    /// <summary>Console logging only: read-only commands leave no file behind.</summary>
    public static void Start(bool verbose, TextWriter? stderr = null) => Log.Logger = Build(verbose, stderr, auditDirectory: null);

    /// <summary>Adds the audit log (CompactJsonFormatter) in the state directory; called when a command starts acting.</summary>
    public static string StartAudit(string stateDirectory, bool verbose, TextWriter? stderr = null)
    {
        Log.CloseAndFlush();
        Log.Logger = Build(verbose, stderr, stateDirectory);
        return Path.Combine(stateDirectory, AuditFileName);
    }

    internal static Logger Build(bool verbose, TextWriter? stderr, string? auditDirectory)
    {
        Level.MinimumLevel = verbose ? LogEventLevel.Debug : LogEventLevel.Information;
        var theme = stderr is null && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null
            ? (ConsoleTheme)AnsiConsoleTheme.Code
            : ConsoleTheme.None;
        var template = verbose ? VerboseTemplate : HumanTemplate;
        var config = new LoggerConfiguration().MinimumLevel.ControlledBy(Level);
        config.WriteTo.Sink(LoggerSinkConfiguration.Wrap(sink => new MaskingSink(sink), wrapped =>
        {
            if (stderr is null) wrapped.Console(outputTemplate: template, theme: theme, standardErrorFromLevel: LogEventLevel.Verbose);
            else wrapped.Sink(new WriterSink(stderr, new MessageTemplateTextFormatter(template)));
            if (auditDirectory is not null)
            {
                wrapped.File(new CompactJsonFormatter(), Path.Combine(auditDirectory, AuditFileName), restrictedToMinimumLevel: LogEventLevel.Verbose, flushToDiskInterval: null, buffered: false);
            }
        }));
        return config.CreateLogger();
    }

    /// <summary>Writes human lines to a given writer (tests and embedding: no process-wide console).</summary>
    private sealed class WriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            lock (writer) formatter.Format(logEvent, writer);
        }
    }
}
