namespace Recovery.Access;

/// <summary>What known_hosts says about the key a node presented.</summary>
internal enum HostKeyOutcome
{
    /// <summary>An entry for this host holds exactly this key.</summary>
    Trusted,

    /// <summary>No entry names this host.</summary>
    Unknown,

    /// <summary>Entries name this host, none holds this key.</summary>
    Mismatch,

    /// <summary>The key is listed under @revoked for this host.</summary>
    Revoked,
}

/// <summary>The known_hosts answer for one (host, port, key): the outcome and the entries that decided it.</summary>
internal sealed record HostKeyMatch(HostKeyOutcome Outcome, IReadOnlyList<KnownHostEntry> Entries);
