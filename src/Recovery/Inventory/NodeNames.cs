using System.Text.RegularExpressions;

namespace Recovery.Inventory;

/// <summary>
/// Node names are DNS-1123 subdomains (lowercase labels joined by dots), as Kubernetes requires of Node objects;
/// hostnames like `master1.example.com` are common node names, so subdomains, not only single labels, are accepted.
/// Everything else (spaces, shell metacharacters, uppercase, non-ASCII) is refused.
/// </summary>
internal static partial class NodeNames
{
    public static bool IsValid(string name) => name.Length <= 253 && Subdomain().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\\z")]
    private static partial Regex Subdomain();
}
