using System.CommandLine;
using Recovery.Diagnosis;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Logging;
using Recovery.Planning;
using Recovery.Planning.Summary;

namespace Recovery.Cli.Commands;

/// <summary>`kube-recover plan`: read-only; the ordered recovery plan as text, JSON (for `recover --plan`) or bash scripts.</summary>
internal static class PlanCommand
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
        var facts = new Option<FileInfo?>("--facts") { Description = "Plan from a saved `diagnose --json` document instead of reaching the nodes (offline review)", HelpName = "FILE" };
        facts.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<FileInfo?>() is { } f && (!f.Exists || f.Length > SavedFacts.MaxFileBytes))
                r.AddError($"--facts: '{f.FullName}' does not exist or is over {SavedFacts.MaxFileBytes / 1024 / 1024} MiB; expected the output of diagnose --json");
        });
        var command = new Command("plan", "Read-only: print the ordered recovery plan (text, --format json, --format script)") { options.SyncPeriod, options.Detail, format, output, facts };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (plan, inventory) = parse.GetValue(facts) is { } saved
                ? FromSavedFacts(parse, global, options, saved)
                : await FromSurveyAsync(parse, global, options, cancellationToken).ConfigureAwait(false);
            var chosen = parse.GetValue(global.Json) ? "json" : parse.GetValue(format)!;
            var target = parse.GetValue(output);
            if (chosen == "script" && target is not null)
            {
                Directory.CreateDirectory(target.FullName);
                foreach (var (node, script) in ScriptPlanRenderer.RenderScripts(plan, inventory))
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
                "script" => ScriptPlanRenderer.Render(plan, inventory),
                // A file is read later and at leisure: it always has the steps.
                _ => PlanText.Of(plan, detail: target is not null || parse.GetValue(options.Detail)),
            };
            if (target is null) parse.InvocationConfiguration.Output.Write(text);
            else File.WriteAllText(target.FullName, text);
            return ExitCodes.Done;
        });
        return command;
    }

    private static async Task<(Plan, ClusterInventory)> FromSurveyAsync(ParseResult parse, GlobalOptions global, PlanOptions options, CancellationToken cancellationToken)
    {
        await using var survey = await ClusterSession.SurveyAsync(parse, global, cancellationToken).ConfigureAwait(false);
        return (options.Request(parse, global).For(survey), survey.Inventory);
    }

    /// <summary>No node is reached: the facts are the document's, checked against the inventory.</summary>
    private static (Plan, ClusterInventory) FromSavedFacts(ParseResult parse, GlobalOptions global, PlanOptions options, FileInfo file)
    {
        var inventory = InventoryResolver.Resolve(parse, global);
        SavedFacts saved;
        try
        {
            saved = SavedFacts.Read(File.ReadAllText(file.FullName), inventory);
        }
        catch (FormatException e)
        {
            throw new InvalidPlanException($"--facts {file.FullName}: {e.Message}");
        }
        var findings = Diagnoser.Diagnose(inventory, saved.Nodes, saved.Unreachable, saved.Claims);
        return (options.Request(parse, global).For(inventory, findings, saved.Claims, saved.Nodes, parse.GetValue(global.Local)), inventory);
    }
}
