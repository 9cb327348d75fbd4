namespace Recovery.Tests.Diagnosis;

/// <summary>
/// Compares a rendered report with its reviewed golden file in Diagnosis/Golden. KR_UPDATE_GOLDEN=1 rewrites the
/// files instead (then review the diff before committing: the golden is the specification of the output).
/// </summary>
internal static class Golden
{
    private static readonly string Dir = FindDir();

    public static void Match(string name, string actual)
    {
        var path = Path.Combine(Dir, name);
        if (Environment.GetEnvironmentVariable("KR_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing (run with KR_UPDATE_GOLDEN=1 and review it)");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static string FindDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Recovery.Tests", "Diagnosis", "Golden");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Recovery.Tests/Diagnosis/Golden not found");
    }
}
