using System.CommandLine;
using System.Text.Json;
using Recovery.Execution;

namespace Recovery.Cli.Commands;

/// <summary>`kube-recover version`: the first thing to run on a node after copying the binary there.</summary>
internal static class VersionCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("version", "Print version, commit, runtime and architecture");
        command.SetAction((parse) =>
        {
            var info = BuildInfo.Current;
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(global.Json))
            {
                output.WriteLine(JsonSerializer.Serialize(new VersionDocument("kube-recover/v1", "Version", info.Version, info.Commit, info.Runtime, info.Architecture, info.Os), CliJsonContext.Default.VersionDocument));
            }
            else
            {
                output.WriteLine($"kube-recover {info.Version} (commit {info.Commit}) {info.Runtime} linux-{info.Architecture}");
            }
            return ExitCodes.Done;
        });
        return command;
    }
}

internal sealed record VersionDocument(string ApiVersion, string Kind, string Version, string Commit, string Runtime, string Architecture, string Os);
