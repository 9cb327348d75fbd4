namespace Recovery.Facts.Parsing;

/// <summary>One process from `ps -e -o pid= -o args=`.</summary>
internal sealed record ProcessRow(int Pid, IReadOnlyList<string> Argv)
{
    /// <summary>The program's file name (`/usr/local/bin/kube-proxy` -> `kube-proxy`).</summary>
    public string Program => Argv.Count == 0 ? "" : Path.GetFileName(Argv[0]);
}

/// <summary>`ps -e -o pid= -o args=`: a pid, then the command line joined by spaces (POSIX ps, busybox included).</summary>
internal static class ProcessTable
{
    public static IReadOnlyList<ProcessRow> Parse(string output)
    {
        var rows = new List<ProcessRow>();
        foreach (var line in output.Split('\n'))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || !int.TryParse(words[0], out var pid)) continue;
            rows.Add(new ProcessRow(pid, words[1..]));
        }
        return rows;
    }

    /// <summary>kube-proxy itself, or hyperkube running it (`hyperkube kube-proxy ...` / `hyperkube proxy ...`).</summary>
    public static ProcessRow? FindKubeProxy(IEnumerable<ProcessRow> rows) =>
        rows.FirstOrDefault(r => r.Program == "kube-proxy"
            || r.Program == "hyperkube" && r.Argv.Count > 1 && r.Argv[1] is "kube-proxy" or "proxy");

    public static ProcessRow? FindKubelet(IEnumerable<ProcessRow> rows) =>
        rows.FirstOrDefault(r => r.Program == "kubelet" || r.Program == "hyperkube" && r.Argv.Count > 1 && r.Argv[1] == "kubelet");

    /// <summary>k3s runs kube-proxy inside its own process (`k3s server` / `k3s agent`).</summary>
    public static ProcessRow? FindK3s(IEnumerable<ProcessRow> rows) =>
        rows.FirstOrDefault(r => r.Program is "k3s" or "k3s-server" or "k3s-agent");
}
