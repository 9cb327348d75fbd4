namespace Recovery.Access;

/// <summary>A file could not be read on a node; the message names the node, the path and the node's own reason.</summary>
internal sealed class NodeFileException(string node, string path, string reason, Exception? inner = null)
    : IOException($"cannot read {path} on {node}: {reason}", inner)
{
    public string Node { get; } = node;

    public string FilePath { get; } = path;

    /// <summary>True when the node said the file does not exist.</summary>
    public bool NotFound => reason.Contains("No such file", StringComparison.Ordinal) || InnerException is FileNotFoundException or DirectoryNotFoundException;
}
