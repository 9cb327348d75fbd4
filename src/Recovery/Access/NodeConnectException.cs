namespace Recovery.Access;

/// <summary>A node could not be reached or logged into; the message says which node, where, and why, in plain words.</summary>
internal sealed class NodeConnectException(string node, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Node { get; } = node;
}
