using System.CommandLine;
using Recovery.Logging;
using Recovery.Planning;

namespace Recovery.Cli.Commands;

/// <summary>`kube-recover plan`: read-only; the ordered recovery plan as text, JSON (for `recover --plan`) or bash scripts.</summary>
public static class PlanCommand
{
    public static Command Create(GlobalOptions global)
    {
        var options = new PlanOptions();
        var format = new Option<string>("--format") { Description = "text, json (versioned; input of recover --plan) or script (bash, one per node)", HelpName = "text|json|script", DefaultValueFactory = _ => "text" };
        format.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not ("text" or "json" or "script"))
                r.AddError($"--format: '{SafeText.Of(r.GetValueOrDefault<string>() ?? "")}' is not valid; expected text, json or script");
        });
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to FILE instead of stdout (for script: a folder, one script per node)", HelpName = "FILE" };
        var command = new Command("plan", "Read-only: print the ordered recovery plan (text, --format json, --format script)") { options.SyncPeriod, format, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var survey = await ClusterSession.SurveyAsync(parse, global, cancellationToken).ConfigureAwait(false);
            var plan = PlanOptions.Create(parse, global, options, survey);
            var chosen = parse.GetValue(global.Json) ? "json" : parse.GetValue(format)!;
            var target = parse.GetValue(output);
            if (chosen == "script" && target is not null)
            {
                Directory.CreateDirectory(target.FullName);
                foreach (var (node, script) in ScriptPlanRenderer.RenderScripts(plan, survey.Inventory))
                {
                    var path = Path.Combine(target.FullName, $"kube-recover-{node}.sh");
                    File.WriteAllText(path, script);
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    parse.InvocationConfiguration.Output.WriteLine(path);
                }
                return ExitCodes.Done;
            }
            var text = chosen switch
            {
                "json" => PlanJson.Write(plan),
                "script" => ScriptPlanRenderer.Render(plan, survey.Inventory),
                _ => TextPlanRenderer.Render(plan),
            };
            if (target is null) parse.InvocationConfiguration.Output.Write(text);
            else File.WriteAllText(target.FullName, text);
            return ExitCodes.Done;
        });
        return command;
    }
}
