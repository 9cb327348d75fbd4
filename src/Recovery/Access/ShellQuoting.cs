using System.Text;

namespace Recovery.Access;

/// <summary>
/// The one quoting function for every command that reaches a shell (remote or local, run or printed in a script).
/// A word is passed through when it is made only of characters no POSIX shell treats specially, otherwise it is
/// single-quoted, which makes every byte inert. Control characters (NUL, newline, escape...) are refused outright:
/// they have no business in a node name, an address or a path, and a newline would split a printed script.
/// </summary>
internal static class ShellQuoting
{
    // POSIX reserved words, and bash's and ksh's: quoted, each is a program name again.
    private static readonly HashSet<string> ReservedWords =
        ["!", "{", "}", "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until", "while", "[[", "]]", "function", "select", "time", "coproc"];

    public static string Quote(string word) => Quote(word, program: false);

    /// <summary>
    /// The first word of a simple command. sh reads it as a program only when it is neither an assignment (`a=b`
    /// sets a variable and runs nothing) nor a reserved word (`if` opens a compound command), so those are quoted too.
    /// </summary>
    public static string QuoteProgram(string word) => Quote(word, program: true);

    private static string Quote(string word, bool program)
    {
        ArgumentNullException.ThrowIfNull(word);
        Validate(word);
        if (word.Length > 0 && word.All(IsPlain) && !(program && (word.Contains('=') || ReservedWords.Contains(word))))
        {
            return word;
        }
        var quoted = new StringBuilder(word.Length + 2).Append('\'');
        foreach (var c in word)
        {
            // Close the quote, add an escaped quote, reopen: 'it'\''s'
            quoted.Append(c == '\'' ? "'\\''" : c);
        }
        return quoted.Append('\'').ToString();
    }

    /// <summary>Throws <see cref="UnsafeShellWordException"/> when a word carries a character no command line should carry.</summary>
    public static void Validate(string word)
    {
        foreach (var c in word)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c) && !IsValidSurrogatePairIn(word))
            {
                throw new UnsafeShellWordException(word, c);
            }
        }
    }

    private static bool IsPlain(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-' or '.' or '/' or ':' or '=' or '@' or '%' or '+' or ',';

    private static bool IsValidSurrogatePairIn(string word)
    {
        for (var i = 0; i < word.Length; i++)
        {
            if (char.IsHighSurrogate(word[i]))
            {
                if (i + 1 >= word.Length || !char.IsLowSurrogate(word[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(word[i]))
            {
                return false;
            }
        }
        return true;
    }
}

internal sealed class UnsafeShellWordException(string word, char offending)
    : ArgumentException($"refusing a command word with control character U+{(int)offending:X4}: {Printable(word)}")
{
    public string Word { get; } = word;

    private static string Printable(string word) =>
        string.Concat(word.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
