namespace Recovery.Access;

/// <summary>
/// Where passwords and passphrases come from: environment variables named by the operator, or a prompt on the
/// terminal. An interface so tests need no terminal; the values are never logged or put in argv.
/// </summary>
internal interface ISecretSource
{
    /// <summary>The value of an environment variable, or null when it is unset or empty.</summary>
    string? FromEnvironment(string variable);

    /// <summary>Asks the operator without echo; null when there is no one to ask (no terminal).</summary>
    string? Prompt(string question);
}

/// <summary>The real process environment and, when stdin and stderr are a terminal, a no-echo prompt on stderr.</summary>
internal sealed class ConsoleSecretSource : ISecretSource
{
    public string? FromEnvironment(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? Masked(value) : null;

    public string? Prompt(string question)
    {
        if (Console.IsInputRedirected || Console.IsErrorRedirected) return null;
        Console.Error.Write(question);
        var typed = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0) typed.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return typed.Length > 0 ? Masked(typed.ToString()) : null;
    }

    /// <summary>Every secret is masked in logs from the moment it is read.</summary>
    private static string Masked(string secret)
    {
        Logging.SecretMask.Register(secret);
        return secret;
    }
}
