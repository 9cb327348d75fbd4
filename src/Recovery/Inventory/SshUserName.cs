using System.Text.RegularExpressions;

namespace Recovery.Inventory;

/// <summary>A login name as the inventory, the command line and ~/.ssh/config may give it: a POSIX user name.</summary>
internal static partial class SshUserName
{
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}\z")]
    private static partial Regex Pattern();
}
