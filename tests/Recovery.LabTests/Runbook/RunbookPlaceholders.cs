using System.Net;
using System.Text.RegularExpressions;

namespace Recovery.LabTests.Runbook;

/// <summary>
/// The values a runbook tells the operator to replace: the hijacked address and the Service claiming it. Only these
/// are replaced, and only where they stand as a whole: the address not inside a longer one, the name not inside a
/// longer name, the namespace only after `-n ` or between slashes (an etcd key), never the word in prose or flags.
/// </summary>
public sealed record RunbookPlaceholders(IPAddress Address, string Namespace, string Name)
{
    public string Replace(string line, RunbookPlaceholders actual)
    {
        line = Regex.Replace(line, $@"(?<![0-9.]){Regex.Escape(Address.ToString())}(?![0-9])", actual.Address.ToString());
        line = Regex.Replace(line, $@"(?<![A-Za-z0-9-]){Regex.Escape(Name)}(?![A-Za-z0-9-])", actual.Name);
        line = Regex.Replace(line, $@"(?<=-n ){Regex.Escape(Namespace)}(?= )", actual.Namespace);
        return Regex.Replace(line, $@"(?<=/){Regex.Escape(Namespace)}(?=/)", actual.Namespace);
    }
}
