namespace Recovery.LabTests.Runbook;

/// <summary>
/// The Simplified Chinese runbook carries the English one's commands: the same command lines in the same order (only
/// the comments and the prose are translated), and the inline commands the lab tests type. No lab needed.
/// </summary>
public sealed class RunbookTranslationTests
{
    private static readonly RunbookText English = RunbookText.Load(RunbookText.English);
    private static readonly RunbookText Chinese = RunbookText.Load(RunbookText.Chinese);

    [Fact]
    public void Both_runbooks_have_the_same_command_lines_in_the_same_order()
    {
        var english = English.Commands;
        var chinese = Chinese.Commands;
        Assert.True(english.Count > 20, $"only {english.Count} command lines read from {English.Path}: the parser lost the blocks");
        var first = Enumerable.Range(0, Math.Min(english.Count, chinese.Count)).FirstOrDefault(i => english[i] != chinese[i], -1);
        Assert.True(first < 0 && english.Count == chinese.Count,
            first < 0
                ? $"{English.Path} has {english.Count} command lines, {Chinese.Path} {chinese.Count}"
                : $"command line {first + 1} differs:\n  en: {english[first]}\n  zh: {chinese[first]}");
    }

    [Theory]
    [InlineData("kubectl get nodes")]
    [InlineData("ip -o addr show dev kube-ipvs0 | grep 10.0.0.211")]
    public void The_inline_checks_the_lab_tests_type_stand_in_both(string command)
    {
        Assert.Contains($"`{command}`", English.Text);
        Assert.Contains($"`{command}`", Chinese.Text);
    }

    [Fact]
    public void Comments_end_a_command_only_outside_quotes()
    {
        Assert.Equal("ip route get 10.0.0.211", RunbookText.WithoutComment("ip route get 10.0.0.211          # must not say \"local\""));
        Assert.Equal("grep ' # x' f", RunbookText.WithoutComment("grep ' # x' f   # comment"));
        Assert.Equal("echo a#b", RunbookText.WithoutComment("echo a#b"));
        Assert.Equal("systemd", RunbookText.Comment("systemctl start kube-proxy.service   # systemd"));
    }
}
