namespace Lab.StandIns.Tests;

/// <summary>Real values written by a kube-apiserver (etcd-io/auger's testdata, copied in tests/Recovery.Tests/Kubernetes/Fixtures/auger).</summary>
internal static class Fixtures
{
    public static string Dir
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                // The repository's copy first (tests/Recovery.Tests/Kubernetes/Fixtures/auger), then shared/ beside it.
                foreach (var candidate in new[] { Path.Combine(d.FullName, "tests", "Recovery.Tests", "Kubernetes", "Fixtures", "auger"), Path.Combine(d.FullName, "shared", "fixtures", "auger") })
                {
                    if (Directory.Exists(candidate))
                        return candidate;
                }
            }
            var env = Environment.GetEnvironmentVariable("KUBE_RECOVER_FIXTURES");
            return env is not null ? Path.Combine(env, "auger") : "/work/shared/fixtures/auger";
        }
    }

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Dir, name));

    /// <summary>The fixture files end with one newline byte after the value (see the README).</summary>
    public static byte[] Value(string name)
    {
        var bytes = Read(name);
        return bytes[^1] == 0x0a ? bytes[..^1] : bytes;
    }
}
