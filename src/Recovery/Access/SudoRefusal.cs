namespace Recovery.Access;

/// <summary>
/// Recognises sudo's own refusals (run with LC_ALL=C, so in English) and turns them into one clear error, instead
/// of letting "sudo: a password is required" pass as the output of the command that was meant to run.
/// </summary>
internal static class SudoRefusal
{
    public static void ThrowIfRefused(string node, string user, int exit, string stderr)
    {
        if (exit == 127 && stderr.Contains("sudo", StringComparison.Ordinal))
        {
            throw new SudoRefusedException(node, $"sudo is not installed on {node}; connect as root or install sudo");
        }
        if (exit != 1 || !stderr.StartsWith("sudo:", StringComparison.Ordinal)) return;
        if (stderr.Contains("password is required", StringComparison.Ordinal) || stderr.Contains("no tty present", StringComparison.Ordinal))
        {
            throw new SudoRefusedException(node,
                $"sudo on {node} needs a password; configure NOPASSWD for {user} on {node} (e.g. '{user} ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/) or connect as root");
        }
        if (stderr.Contains("must have a tty", StringComparison.Ordinal))
        {
            throw new SudoRefusedException(node,
                $"sudo on {node} requires a terminal (Defaults requiretty); allow {user} without it ('Defaults:{user} !requiretty' in /etc/sudoers.d/ on {node}) or connect as root");
        }
        throw new SudoRefusedException(node, $"sudo on {node} refused {user}: {stderr.Trim()}; grant {user} sudo there or connect as root");
    }
}

/// <summary>sudo on a node refused to run a command without a password (or at all).</summary>
internal sealed class SudoRefusedException(string node, string message) : Exception(message)
{
    public string Node { get; } = node;
}
