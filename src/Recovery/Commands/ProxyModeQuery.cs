using Recovery.Access;

namespace Recovery.Commands;

/// <summary>
/// Asks kube-proxy for its mode on its metrics port (http://127.0.0.1:10249/proxyMode); exit 0 while it answers.
/// curl where installed, else bash's /dev/tcp: a node without curl must still tell a running kube-proxy from a stopped
/// one (a check that cannot run must never hold, and a curl-only check on such a node says "silent" at once).
/// Used by fact collection and by the plan's stop and start checks alike, so both read kube-proxy the same way.
/// The /dev/tcp answer carries the HTTP headers; <see cref="Facts.Parsing.KubeProxyModeSources.ParseProxyModeResponse"/> reads both.
/// </summary>
internal sealed record ProxyModeQuery : NodeCommand
{
    public const string Url = "http://127.0.0.1:10249/proxyMode";

    private const string Seconds = "3";

    public static ShellCommand Shell { get; } = Get("/proxyMode");

    /// <summary>
    /// GET PATH from kube-proxy's metrics port: curl where installed, else bash's /dev/tcp (the answer then carries the
    /// HTTP headers). PATH is one of this project's constants: no value of the plan or the node reaches the script.
    /// </summary>
    public static ShellCommand Get(string path) => ShellCommand.Of("curl", "-s", "-m", Seconds, $"http://127.0.0.1:10249{path}")
        .OrElse(ShellCommand.Of("timeout", Seconds, "bash", "-c",
            $"exec 3<>/dev/tcp/127.0.0.1/10249 && printf \"GET {path} HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n\" >&3 && cat <&3"));

    public override ShellCommand ToShell() => Shell;

    /// <summary>
    /// Exit 0 only when the query ran and got no answer: kube-proxy is silent. A query that could not run or timed out
    /// (124, 126, 127) exits 1, as one that got an answer does, for checks that join it to others with `&&`.
    /// </summary>
    public static ShellCommand Silent { get; } = ShellCommand.Of("sh", "-c",
        $"{Shell.Render()}; r=$?; [ \"$r\" -ne 0 ] && [ \"$r\" -ne 124 ] && [ \"$r\" -ne 126 ] && [ \"$r\" -ne 127 ]");
}
