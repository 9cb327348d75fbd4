using System.Text.RegularExpressions;

namespace Recovery.Inventory;

/// <summary>The name of an environment variable holding a secret (--password-env, ssh.passwordEnv, ssh.passphraseEnv): a POSIX shell name.</summary>
internal static partial class EnvironmentVariableName
{
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    // \z, not $: .NET's $ also matches before a final newline.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex Pattern();
}
