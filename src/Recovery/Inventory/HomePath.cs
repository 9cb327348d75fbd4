namespace Recovery.Inventory;

/// <summary>`~` and `~/...` in paths the operator gives (inventory, options, ssh settings), expanded one way everywhere.</summary>
internal static class HomePath
{
    /// <summary>$HOME, else the account's home directory, else /root (the tool is run as root on a node).</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } profile ? profile
        : "/root";

    public static string Expand(string path, string? home = null) =>
        path == "~" ? home ?? Directory
        : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(home ?? Directory, path[2..])
        : path;
}
