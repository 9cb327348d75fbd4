namespace Recovery.Access;

/// <summary>
/// A node's SSH host key was not accepted. <see cref="Owner"/> names the inventory node (or this machine) whose
/// key was offered instead: the address is answered by another machine, the hijacked-address case.
/// </summary>
internal sealed class HostKeyRejectedException(
    string node,
    string address,
    HostKeyOutcome outcome,
    string keyType,
    string fingerprint,
    string? owner,
    bool ownerIsLocal,
    string message) : Exception(message)
{
    public string Node { get; } = node;

    /// <summary>The address (and port, when not 22) the key was offered at.</summary>
    public string Address { get; } = address;

    public HostKeyOutcome Outcome { get; } = outcome;

    public string KeyType { get; } = keyType;

    /// <summary>SHA256 fingerprint of the offered key, as ssh-keygen -l prints it.</summary>
    public string Fingerprint { get; } = fingerprint;

    /// <summary>The machine that owns the offered key, when it is another inventory node or this machine.</summary>
    public string? Owner { get; } = owner;

    public bool OwnerIsLocal { get; } = ownerIsLocal;
}
