using System.Reflection;
using System.Runtime.InteropServices;

namespace Recovery.Cli;

/// <summary>What this binary is: version and commit (stamped at build), runtime and architecture.</summary>
internal sealed record BuildInfo(string Version, string Commit, string Runtime, string Architecture, string Os)
{
    public static BuildInfo Current { get; } = Read();

    private static BuildInfo Read()
    {
        var informational = typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+');
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        return new BuildInfo(
            version,
            commit.Length > 12 ? commit[..12] : commit,
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            RuntimeInformation.OSDescription);
    }
}
