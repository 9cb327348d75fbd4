namespace Recovery.Access;

/// <summary>
/// Chooses which host key algorithms to offer. Certificates are dropped (host certificates are not trusted by this
/// tool). When known_hosts holds keys for the node, only algorithms for those key types stay, as OpenSSH prefers
/// them: otherwise a node known by its RSA key could offer its ed25519 key first and look like a mismatch.
/// </summary>
internal static class HostKeyAlgorithms
{
    public static string KeyType(string algorithm) => algorithm switch
    {
        "rsa-sha2-256" or "rsa-sha2-512" => "ssh-rsa",
        _ => algorithm,
    };

    public static void Narrow<TValue>(IDictionary<string, TValue> algorithms, IReadOnlySet<string> knownKeyTypes)
    {
        foreach (var certificate in algorithms.Keys.Where(a => a.Contains("-cert-", StringComparison.Ordinal)).ToList())
        {
            algorithms.Remove(certificate);
        }
        var known = algorithms.Keys.Where(a => knownKeyTypes.Contains(KeyType(a))).ToHashSet();
        if (known.Count == 0) return;
        foreach (var other in algorithms.Keys.Where(a => !known.Contains(a)).ToList())
        {
            algorithms.Remove(other);
        }
    }
}
