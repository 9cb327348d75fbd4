using Recovery.Execution;
using Recovery.Planning;
using Serilog;
using Serilog.Formatting.Display;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

public sealed class PhaseProgressTests
{
    private readonly List<string> lines = [];

    private PhaseProgress Progress(bool verbose) => new(SeedPlan(), new LoggerConfiguration().WriteTo.Sink(new LineSink(lines)).CreateLogger(), verbose);

    private static StepEvent Ended(Step step, PhaseKind phase, StepStatus status, string detail = "") => new(phase, step.Node, step.Id, step.What, status, TimeSpan.FromSeconds(1), detail);

    [Fact]
    public void A_phase_is_one_line_of_node_groups_when_it_starts_and_one_of_counts_when_it_ends_and_a_failure_shows_at_once()
    {
        var progress = Progress(verbose: false);
        var contain = SeedPlan().Phase(PhaseKind.Contain).Steps;

        progress.Report(Ended(contain[0], PhaseKind.Contain, StepStatus.Done));
        progress.Report(Ended(contain[1], PhaseKind.Contain, StepStatus.Failed, "systemctl stop timed out"));
        progress.Report(Ended(contain[2], PhaseKind.Contain, StepStatus.Skipped));
        progress.End();

        Assert.Equal(
        [
            "[contain] node1-node3: stop kube-proxy.service",
            "[contain] node1: contain/node1/stop-kube-proxy failed after 1.0 s: systemctl stop timed out",
            "[contain] 1 done, 1 not needed, 1 failed in 0.0 s",
        ], lines.Select(EndIn0));
    }

    [Fact]
    public void Verbose_adds_each_step_and_a_phase_met_again_is_not_announced_twice()
    {
        var progress = Progress(verbose: true);
        var plan = SeedPlan();
        var contain = plan.Phase(PhaseKind.Contain).Steps;
        var unbind = plan.Phase(PhaseKind.Unbind).Steps;

        progress.Report(Ended(contain[0], PhaseKind.Contain, StepStatus.Done));
        progress.Report(Ended(unbind[0], PhaseKind.Unbind, StepStatus.Done));
        progress.Report(Ended(contain[1], PhaseKind.Contain, StepStatus.Done));
        progress.End();

        Assert.Single(lines, l => l.StartsWith("[contain] node1-node3: ", StringComparison.Ordinal));
        Assert.Contains("[contain] node2: contain/node2/stop-kube-proxy done (1.0 s)", lines);
        Assert.Contains("[contain] node1: contain/node1/stop-kube-proxy done (1.0 s)", lines);
        Assert.Equal(2, lines.Count(l => l.StartsWith("[contain] 1 done in ", StringComparison.Ordinal)));
    }

    /// <summary>The phase's own time varies; the tests pin it.</summary>
    private static string EndIn0(string line) => System.Text.RegularExpressions.Regex.Replace(line, @" in [0-9.]+ s$", " in 0.0 s");

    private sealed class LineSink(List<string> lines) : Serilog.Core.ILogEventSink
    {
        private readonly MessageTemplateTextFormatter format = new("{Message:l}", System.Globalization.CultureInfo.InvariantCulture);

        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            using var text = new StringWriter();
            format.Format(logEvent, text);
            lines.Add(text.ToString());
        }
    }
}
