using System.Net;
using System.Text;
using System.Text.Json;
using Recovery.Access;
using Recovery.State;

namespace Recovery.Kubernetes;

/// <summary>
/// Executes a Service fix through kubectl on one control-plane node. The Service is read at run time, not at plan
/// time: when planning, no API answered (that is the lockout), so only now are its claims known. Its YAML is
/// saved before anything changes; strip uses a JSON patch whose `test` operation makes the API server refuse the
/// edit if spec.externalIPs changed since it was read.
/// </summary>
internal sealed class KubectlServiceFix(KubectlServiceFix.Target fix, string stateDir, TimeSpan commandTimeout)
{
    /// <summary>What to fix: the plan's kubectl step, as this layer knows it (Planning sits above Kubernetes).</summary>
    /// <param name="Service">The Service to fix; null: every Service claiming one of the addresses.</param>
    public sealed record Target(ServiceRef? Service, FixAction Action, IReadOnlyList<IPAddress> Addresses, TimeSpan RequestTimeout);

    public enum Outcome { AlreadyFixed, Fixed, Failed, ApiDidNotAnswer }

    public sealed record Result(Outcome Outcome, string Detail, CommandResult? Last);

    /// <param name="Fields">the fields claiming a target, by <see cref="ServiceClaimRule"/>.</param>
    private sealed record Claim(ServiceRef Service, IReadOnlyList<string> ExternalIPs, IReadOnlyList<ClaimField> Fields);

    public async Task<Result> RunAsync(INodeShell shell, string? kubeconfig, string? program, CancellationToken cancellationToken)
    {
        var (claims, read) = await ReadClaimsAsync(shell, kubeconfig, program, cancellationToken).ConfigureAwait(false);
        if (claims is null) return new Result(Outcome.ApiDidNotAnswer, $"kubectl on {shell.Node.Name}: {FirstLine(read!)}", read);
        if (claims.Count == 0) return new Result(Outcome.AlreadyFixed, $"no Service claims {Addresses}", read);

        var done = new List<string>();
        foreach (var claim in claims)
        {
            var yaml = await RunAsync(shell, kubeconfig, program, ["get", "service", "-n", claim.Service.Namespace, claim.Service.Name, "-o", "yaml"], cancellationToken).ConfigureAwait(false);
            if (!yaml.Succeeded) return new Result(Outcome.Failed, $"could not save {claim.Service} before changing it: {FirstLine(yaml)}", yaml);
            var saved = StateFile.WriteNew(stateDir, $"service.{claim.Service.Namespace}.{claim.Service.Name}.yaml", Encoding.UTF8.GetBytes(yaml.StdOut));

            CommandResult change;
            if (fix.Action == FixAction.Delete)
            {
                change = await RunAsync(shell, kubeconfig, program, ["delete", "service", "-n", claim.Service.Namespace, claim.Service.Name], cancellationToken).ConfigureAwait(false);
                if (!change.Succeeded && !IsNotFound(change)) return new Result(Outcome.Failed, $"kubectl delete {claim.Service} failed: {FirstLine(change)}", change);
                done.Add($"deleted {claim.Service} (saved as {saved})");
            }
            else
            {
                if (claim.Fields.Contains(ClaimField.ClusterIP))
                {
                    return new Result(Outcome.Failed, $"{claim.Service} has {Addresses} as its ClusterIP (spec.clusterIP): strip cannot change a ClusterIP; use --action delete and re-create the Service with another ClusterIP", yaml);
                }
                if (claim.Fields.Contains(ClaimField.LoadBalancerIngress) || claim.Fields.Contains(ClaimField.LoadBalancerIP))
                {
                    return new Result(Outcome.Failed, $"{claim.Service} has {Addresses} as its load-balancer address, which the load-balancer controller assigns: " +
                        "strip cannot take it away; use --action delete, or remove the address from the controller's pool", yaml);
                }
                change = await RunAsync(shell, kubeconfig, program, ["patch", "service", "-n", claim.Service.Namespace, claim.Service.Name, "--type=json", "-p", StripPatch(claim.ExternalIPs)], cancellationToken).ConfigureAwait(false);
                if (!change.Succeeded) return new Result(Outcome.Failed, $"kubectl patch {claim.Service} failed (changed meanwhile?): {FirstLine(change)}", change);
                done.Add($"stripped {Addresses} from {claim.Service} (saved as {saved})");
            }
        }

        var (left, after) = await ReadClaimsAsync(shell, kubeconfig, program, cancellationToken).ConfigureAwait(false);
        if (left is not { Count: 0 })
        {
            var still = left is null ? FirstLine(after!) : string.Join(", ", left.Select(c => c.Service));
            return new Result(Outcome.Failed, $"after the fix, still claiming {Addresses}: {still}", after);
        }
        return new Result(Outcome.Fixed, string.Join("; ", done), after);
    }

    /// <summary>The manual equivalent, for the report when the fix could not be done.</summary>
    public static IEnumerable<string> ManualCommands(Target fix)
    {
        var services = fix.Service is null ? ["NAMESPACE", "NAME"] : new[] { fix.Service.Namespace, fix.Service.Name };
        if (fix.Service is null)
        {
            yield return $"# find the Services claiming {string.Join(", ", fix.Addresses)}: kubectl get services --all-namespaces -o wide";
        }
        yield return ShellCommand.Of("kubectl", "get", "service", "-n", services[0], services[1], "-o", "yaml").Render() + " > service-backup.yaml";
        yield return fix.Action == FixAction.Delete
            ? ShellCommand.Of("kubectl", "delete", "service", "-n", services[0], services[1]).Render()
            : $"# edit spec.externalIPs to drop {string.Join(", ", fix.Addresses)}: " + ShellCommand.Of("kubectl", "edit", "service", "-n", services[0], services[1]).Render();
    }

    private string Addresses => string.Join(", ", fix.Addresses);

    /// <returns>The claims (null: the API did not answer) and the last kubectl result.</returns>
    private async Task<(IReadOnlyList<Claim>?, CommandResult)> ReadClaimsAsync(INodeShell shell, string? kubeconfig, string? program, CancellationToken cancellationToken)
    {
        string[] args = fix.Service is null
            ? ["get", "services", "--all-namespaces", "-o", "json"]
            : ["get", "service", "-n", fix.Service.Namespace, fix.Service.Name, "-o", "json"];
        var read = await RunAsync(shell, kubeconfig, program, args, cancellationToken).ConfigureAwait(false);
        if (!read.Succeeded)
        {
            return fix.Service is not null && IsNotFound(read) ? ([], read) : (null, read);
        }
        try
        {
            using var json = JsonDocument.Parse(read.StdOut);
            var items = json.RootElement.TryGetProperty("items", out var list) ? list.EnumerateArray().ToList() : [json.RootElement];
            return (items.Select(ClaimOf).OfType<Claim>().ToList(), read);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return (null, read with { StdErr = $"kubectl printed something that is not a Service list: {e.Message}" });
        }
    }

    private Claim? ClaimOf(JsonElement service)
    {
        var meta = service.GetProperty("metadata");
        var reference = new ServiceRef(meta.GetProperty("namespace").GetString()!, meta.GetProperty("name").GetString()!);
        var fields = ServiceAddressFields.FromJson(service);
        var claimed = ServiceClaimRule.ClaimsOn(fields, fix.Addresses).Select(c => c.Field).Distinct().ToList();
        return claimed.Count > 0 ? new Claim(reference, fields.ExternalIPs, claimed) : null;
    }

    private bool IsTarget(string text) => ServiceClaimRule.Holds(text, fix.Addresses);

    /// <summary>`test` pins the list as read; then replace with what is left, or remove the field when nothing is.</summary>
    private string StripPatch(IReadOnlyList<string> current)
    {
        var remaining = current.Where(x => !IsTarget(x)).ToList();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            w.WriteStartObject();
            w.WriteString("op", "test");
            w.WriteString("path", "/spec/externalIPs");
            w.WriteStartArray("value");
            foreach (var x in current) w.WriteStringValue(x);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("op", remaining.Count == 0 ? "remove" : "replace");
            w.WriteString("path", "/spec/externalIPs");
            if (remaining.Count > 0)
            {
                w.WriteStartArray("value");
                foreach (var x in remaining) w.WriteStringValue(x);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private Task<CommandResult> RunAsync(INodeShell shell, string? kubeconfig, string? program, string[] args, CancellationToken cancellationToken)
    {
        var argv = new List<string> { program ?? KubectlProgram.OnPath };
        if (kubeconfig is not null) argv.AddRange(["--kubeconfig", kubeconfig]);
        argv.Add($"--request-timeout={(int)fix.RequestTimeout.TotalSeconds}s");
        argv.AddRange(args);
        return shell.RunAsync(ShellCommand.Of(argv), commandTimeout, cancellationToken);
    }

    private static bool IsNotFound(CommandResult r) => r.StdErr.Contains("NotFound", StringComparison.Ordinal) || r.StdErr.Contains("not found", StringComparison.Ordinal);

    private static string FirstLine(CommandResult r)
    {
        var text = (r.StdErr.Length > 0 ? r.StdErr : r.StdOut).Trim();
        var line = text.Split('\n')[0];
        return line.Length > 0 ? line : $"exit code {r.ExitCode}";
    }
}
