using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Recovery.Access;

/// <summary>
/// An SSH public host key: its type (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa...) and its wire blob, the bytes
/// a server presents and known_hosts stores in base64. Two keys are the same key when their blobs are equal.
/// </summary>
internal sealed class HostKey : IEquatable<HostKey>
{
    private readonly byte[] _blob;

    private HostKey(string type, byte[] blob)
    {
        Type = type;
        _blob = blob;
        Fingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
    }

    /// <summary>The key type written inside the blob (for RSA always ssh-rsa, whatever signature algorithm was used).</summary>
    public string Type { get; }

    public ReadOnlySpan<byte> Blob => _blob;

    /// <summary>As ssh-keygen -l prints it: SHA256: and unpadded base64.</summary>
    public string Fingerprint { get; }

    public string Base64 => Convert.ToBase64String(_blob);

    /// <summary>Reads the type from the blob itself (an SSH string at its start).</summary>
    public static HostKey FromBlob(ReadOnlySpan<byte> blob)
    {
        if (!TryReadType(blob, out var type))
        {
            throw new FormatException("not an SSH public key blob (it must start with the key type as an SSH string)");
        }
        return new HostKey(type, blob.ToArray());
    }

    /// <summary>Parses the `TYPE BASE64` pair of a known_hosts line or a .pub file; null when they do not form a key.</summary>
    public static HostKey? TryParse(string type, string base64)
    {
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
        return TryReadType(blob, out var inner) && inner == type ? new HostKey(type, blob) : null;
    }

    /// <summary>Reads an OpenSSH public key file (`TYPE BASE64 [comment]`), such as /etc/ssh/ssh_host_ed25519_key.pub.</summary>
    public static HostKey ReadPublicKeyFile(string path)
    {
        var fields = File.ReadAllText(path).Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        return (fields.Length >= 2 ? TryParse(fields[0], fields[1]) : null)
            ?? throw new FormatException($"{path}: not an OpenSSH public key (expected 'TYPE BASE64 [comment]')");
    }

    public bool Equals(HostKey? other) => other is not null && _blob.AsSpan().SequenceEqual(other._blob);

    public override bool Equals(object? obj) => Equals(obj as HostKey);

    public override int GetHashCode() => Fingerprint.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => $"{Type} {Fingerprint}";

    private static bool TryReadType(ReadOnlySpan<byte> blob, out string type)
    {
        type = "";
        if (blob.Length < 4) return false;
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        if (length is 0 or > 64 || length > blob.Length - 4) return false;
        var name = blob.Slice(4, (int)length);
        foreach (var b in name)
        {
            if (b is < 0x21 or > 0x7e) return false;
        }
        type = Encoding.ASCII.GetString(name);
        return true;
    }
}
