using Recovery.Access;

namespace Recovery.Tests.Access;

/// <summary>The one quoting function, checked by what a real /bin/sh makes of its output.</summary>
public sealed class ShellQuotingTests
{
    public static TheoryData<string> Words() =>
    [
        "plain", "10.77.0.11/32", "kube-ipvs0", "", "it's", "'", "''", "\"", "\\", "$(id)", "`id`", "a;b", "a|b", "a&b", "a b", "  ",
        "$HOME", "${x:-y}", "*", "?", "[ab]", "~", "~root", "#not-comment", "!", "{a,b}", "a=b c", "<in", ">out", "节点", "ü", "🚀", "-n", "--",
    ];

    [Theory]
    [MemberData(nameof(Words))]
    public void Real_sh_reads_back_exactly_the_word(string word)
    {
        var line = ShellCommand.Of("printf", "%s", word).Render();
        var (exit, stdout, stderr) = Processes.Run("/bin/sh", "-c", line);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Equal(word, stdout);
    }

    [Theory]
    [InlineData("kr=probe")]
    [InlineData("if")]
    [InlineData("then")]
    [InlineData("done")]
    public void Real_sh_runs_the_first_word_as_a_program_even_when_it_reads_as_an_assignment_or_a_reserved_word(string program)
    {
        var dir = Directory.CreateTempSubdirectory("kr-quote-").FullName;
        try
        {
            var exe = Path.Combine(dir, program);
            File.WriteAllText(exe, "#!/bin/sh\necho ran\n");
            File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var line = ShellCommand.Of(program, "x=y").Render();
            // $1 is the folder put first on PATH; the rendered line is run as the tool runs it (sh -c).
            var (exit, stdout, stderr) = Processes.Run("/bin/sh", "-c", "PATH=\"$1:$PATH\"; export PATH; sh -c \"$2\"", "sh", dir, line);
            Assert.True(exit == 0 && stdout == "ran\n", $"sh -c {line}: exit {exit}, stdout '{stdout}', stderr '{stderr}'");
            Assert.EndsWith(" x=y", line);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("10.0.0.1/32", "10.0.0.1/32")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(x)", "'$(x)'")]
    public void Plain_words_stay_plain_and_others_are_single_quoted(string word, string expected) =>
        Assert.Equal(expected, ShellQuoting.Quote(word));

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\tb")]
    [InlineData("a\0b")]
    [InlineData("\u001b[0m")]
    [InlineData("a\u0085b")]
    [InlineData("a\u2028b")]
    public void Control_characters_and_broken_surrogates_are_refused_with_a_printable_message(string word)
    {
        var error = Assert.Throws<UnsafeShellWordException>(() => ShellQuoting.Quote(word));
        Assert.Equal(word, error.Word);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\0', error.Message);
    }

    [Fact]
    public void Lone_surrogates_are_refused()
    {
        // Built at run time: a lone surrogate in an attribute would be stored as U+FFFD.
        Assert.Throws<UnsafeShellWordException>(() => ShellQuoting.Quote("a" + (char)0xD800 + "b"));
        Assert.Throws<UnsafeShellWordException>(() => ShellQuoting.Quote("a" + (char)0xDC00));
        Assert.Equal("'🚀'", ShellQuoting.Quote("🚀"));
    }

    [Fact]
    public void Sequences_group_so_operators_keep_their_meaning()
    {
        var command = ShellCommand.Of("false").OrElse(ShellCommand.Of("echo", "b")).AndThen(ShellCommand.Of("echo", "c d"));
        Assert.Equal("{ false || echo b; } && echo 'c d'", command.Render());
        Assert.Equal("b\nc d\n", Processes.MustRun("/bin/sh", "-c", command.Render()));
    }

    [Fact]
    public void Remote_line_survives_two_shells()
    {
        // The remote login shell parses the line, then `sh -c` parses the rendered command again.
        var word = "x' ; touch /tmp/kr-never $(id) \"y\"";
        var line = TimeoutWrapper.RemoteLine(ShellCommand.Of("printf", "%s", word), TimeSpan.FromSeconds(30), sudo: false);
        Assert.StartsWith("env LC_ALL=C sh -c 'trap ", line);
        Assert.Contains("timeout --kill-after=2s", line);
        Assert.EndsWith(" </dev/null", line);
        Assert.Equal(word, Processes.MustRun("/bin/sh", "-c", line));
        Assert.False(File.Exists("/tmp/kr-never"));
    }

    [Theory]
    [InlineData(0.2, "1s")]
    [InlineData(1, "1s")]
    [InlineData(2.5, "3s")]
    [InlineData(600, "600s")]
    public void Timeouts_are_whole_seconds_rounded_up(double seconds, string expected) =>
        Assert.Equal(expected, TimeoutWrapper.Seconds(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Sudo_goes_in_front_of_timeout_so_root_processes_can_be_killed() =>
        Assert.Equal(
            ["env", "LC_ALL=C", "sudo", "-n", "--", "sh", "-c", TimeoutWrapper.Script, "kube-recover", "5s", "true"],
            TimeoutWrapper.Argv(ShellCommand.Of("true"), TimeSpan.FromSeconds(5), sudo: true));
}
