using System.Text.RegularExpressions;

namespace Recovery.Kubernetes;

/// <summary>A Service by namespace and name, both validated (DNS-1123 label for the namespace, DNS-1035 label for the name).</summary>
internal sealed partial record ServiceRef
{
    public ServiceRef(string @namespace, string name)
    {
        if (!Label().IsMatch(@namespace)) throw new FormatException($"'{@namespace}' is not a valid namespace: expected a DNS label (lowercase letters, digits, '-', at most 63 characters)");
        if (!Label().IsMatch(name) || char.IsDigit(name[0])) throw new FormatException($"'{name}' is not a valid Service name: expected a DNS label starting with a letter");
        Namespace = @namespace;
        Name = name;
    }

    public string Namespace { get; }
    public string Name { get; }

    /// <summary>Parses NS/NAME, or NAME in namespace default.</summary>
    public static ServiceRef Parse(string text)
    {
        var slash = text.IndexOf('/');
        return slash < 0 ? new ServiceRef("default", text) : new ServiceRef(text[..slash], text[(slash + 1)..]);
    }

    public override string ToString() => $"{Namespace}/{Name}";

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\z")]
    private static partial Regex Label();
}
