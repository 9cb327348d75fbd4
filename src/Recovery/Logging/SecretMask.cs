using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Recovery.Logging;

/// <summary>
/// Replaces secrets in any text on its way to a log, the journal or the screen: every secret value the tool has
/// read (passwords, passphrases: registered when read), PEM private key blocks, OpenSSH/PuTTY key material and
/// `password=...`-style assignments. Masking is applied to whole strings, so a secret embedded in a message,
/// a command's output or an exception text is caught as well.
/// </summary>
internal static partial class SecretMask
{
    public const string Replacement = "***";

    private static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);

    /// <summary>Registers a secret value so it is masked wherever it appears. Values shorter than 4 characters are masked too, but only as whole values.</summary>
    public static void Register(string? secret)
    {
        if (!string.IsNullOrEmpty(secret)) Secrets.TryAdd(secret, 0);
    }

    /// <summary>
    /// Registers a private key's content (PEM or OpenSSH): the whole text and each line of its body, so a key is
    /// masked also when only a part of it (one line of a dump, an error quoting a line) reaches a log.
    /// </summary>
    public static void RegisterKey(ReadOnlySpan<byte> content)
    {
        var text = System.Text.Encoding.UTF8.GetString(content);
        Register(text.Trim());
        foreach (var line in text.Split('\n'))
        {
            var body = line.Trim();
            if (body.Length >= 16 && !body.StartsWith("-----", StringComparison.Ordinal)) Register(body);
        }
    }

    public static string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        // Registered secrets before the patterns, which would cut a passphrase at its first space and leave the rest
        // unmatched; longest first, so a secret that holds another (a key and its lines) goes whole.
        var masked = text;
        foreach (var secret in Secrets.Keys.OrderByDescending(s => s.Length))
        {
            if (secret.Length < 4)
            {
                if (masked == secret) return Replacement;
                continue;
            }
            masked = masked.Replace(secret, Replacement, StringComparison.Ordinal);
        }
        masked = PemPrivateKey().Replace(masked, "-----BEGIN PRIVATE KEY----- " + Replacement + " -----END PRIVATE KEY-----");
        return Assignment().Replace(masked, m => m.Groups["key"].Value + m.Groups["sep"].Value + Replacement);
    }

    /// <summary>Forgets registered secrets (tests only).</summary>
    internal static void Clear() => Secrets.Clear();

    [GeneratedRegex("-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?(-----END \\1PRIVATE KEY-----|$)", RegexOptions.Singleline)]
    private static partial Regex PemPrivateKey();

    [GeneratedRegex("(?<key>\\b(?:password|passwd|passphrase|secret|token|client-key-data|private[_-]?key)\\b\\s*)(?<sep>[:=]\\s*)(?!\\*\\*\\*)(\"[^\"]*\"|'[^']*'|\\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex Assignment();
}
