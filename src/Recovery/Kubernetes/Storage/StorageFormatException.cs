namespace Recovery.Kubernetes.Storage;

/// <summary>
/// An etcd value that is not what kube-apiserver writes: truncated, corrupt, of another kind or encoding.
/// The only exception the storage codec throws for bad input; the message names the offset and what was expected.
/// </summary>
internal class StorageFormatException : Exception
{
    public StorageFormatException(string message) : base(message)
    {
    }

    public StorageFormatException(string message, Exception inner) : base(message, inner)
    {
    }

    internal static StorageFormatException At(int offset, string context, string problem) =>
        new($"{context} at byte offset {offset}: {problem}");
}
