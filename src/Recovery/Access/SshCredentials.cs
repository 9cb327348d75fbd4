using Recovery.Inventory;
using Recovery.Logging;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Recovery.Access;

/// <summary>
/// The ways to log in, loaded once for every node: private keys (OpenSSH ed25519/ecdsa/rsa; an encrypted key gets its
/// passphrase from the variable named by <see cref="SshSettings.PassphraseEnv"/>, else a prompt) and a password from
/// the variable named by <see cref="SshSettings.PasswordEnv"/>. Messages name files and variables, never values.
/// </summary>
internal sealed class SshCredentials
{
    private readonly IReadOnlyList<IPrivateKeySource> _keys;
    private readonly string? _password;

    private SshCredentials(IReadOnlyList<IPrivateKeySource> keys, IReadOnlyList<string> keyFiles, string? password)
    {
        _keys = keys;
        KeyFiles = keyFiles;
        _password = password;
    }

    /// <summary>The key files in use (paths only).</summary>
    public IReadOnlyList<string> KeyFiles { get; }

    public bool HasPassword => _password is not null;

    /// <exception cref="SshCredentialException">A key cannot be read or decrypted, a named variable is empty, or there is nothing to log in with.</exception>
    /// <param name="configFiles">IdentityFile lines of ~/.ssh/config, used when no identity file was given; as ssh does,
    /// the ones that do not exist are skipped and the default keys are not added.</param>
    public static SshCredentials Load(SshSettings settings, ISecretSource secrets, IReadOnlyList<string>? configFiles = null)
    {
        string? password = null;
        if (settings.PasswordEnv is { } passwordEnv)
        {
            password = secrets.FromEnvironment(passwordEnv)
                ?? throw new SshCredentialException($"--password-env names {passwordEnv}, but that environment variable is unset or empty");
            SecretMask.Register(password);
        }
        var files = settings.IdentityFile is { } explicitFile
            ? [HomePath.Expand(explicitFile)]
            : configFiles is { Count: > 0 } ? configFiles.Where(File.Exists).ToList()
            : SshDefaults.ExistingKeys(HomePath.Directory, File.Exists).ToList();
        if (settings.IdentityFile is { } named && !File.Exists(files[0]))
        {
            throw new SshCredentialException($"identity file {named} does not exist");
        }
        var keys = files.Select(f => ReadKey(f, settings.PassphraseEnv, secrets)).ToList();
        if (keys.Count == 0 && password is null && configFiles is { Count: > 0 } && settings.IdentityFile is null)
        {
            throw new SshCredentialException(
                $"no way to log in over SSH: none of the identity files ~/.ssh/config names exists ({string.Join(", ", configFiles)}); "
                + "pass --identity FILE or --password-env VAR");
        }
        if (keys.Count == 0 && password is null)
        {
            throw new SshCredentialException(
                $"no way to log in over SSH: no identity file given and none of ~/.ssh/{string.Join(", ~/.ssh/", SshDefaults.KeyNames)} exists; "
                + "pass --identity FILE or --password-env VAR");
        }
        return new SshCredentials(keys, files, password);
    }

    /// <summary>SSH.NET authentication methods for a user: keys first, then the password.</summary>
    internal AuthenticationMethod[] MethodsFor(string user)
    {
        var methods = new List<AuthenticationMethod>();
        if (_keys.Count > 0) methods.Add(new PrivateKeyAuthenticationMethod(user, [.. _keys]));
        if (_password is not null) methods.Add(new PasswordAuthenticationMethod(user, _password));
        return [.. methods];
    }

    private static PrivateKeyFile ReadKey(string path, string? passphraseEnv, ISecretSource secrets)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            SecretMask.RegisterKey(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SshCredentialException($"identity file {path} cannot be read: {e.Message}");
        }
        try
        {
            return Parse(bytes, null, path);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            var passphrase = (passphraseEnv is null ? null : secrets.FromEnvironment(passphraseEnv))
                ?? secrets.Prompt($"Passphrase for {path}: ")
                ?? throw new SshCredentialException(
                    passphraseEnv is null
                        ? $"identity file {path} is encrypted and no passphrase was given: name an environment variable holding it (ssh passphraseEnv), or run on a terminal to be asked"
                        : $"identity file {path} is encrypted and no passphrase was given: the environment variable {passphraseEnv} is unset or empty, and there is no terminal to ask on");
            SecretMask.Register(passphrase);
            return Parse(bytes, passphrase, path);
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    private static PrivateKeyFile Parse(byte[] bytes, string? passphrase, string path)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return passphrase is null ? new PrivateKeyFile(stream) : new PrivateKeyFile(stream, passphrase);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw;
        }
        catch (Exception e) when (e is SshException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException
                                  or System.Security.Cryptography.CryptographicException)
        {
            // SSH.NET's messages carry no key material, but only the type is kept so nothing of the file can leak.
            // With a passphrase, a wrong one shows up as a check-bytes or padding error depending on the format.
            throw new SshCredentialException(passphrase is not null
                ? $"identity file {path}: wrong passphrase (or a damaged key file)"
                : $"identity file {path} is not a private key this tool can read (OpenSSH ed25519, ecdsa or rsa expected; {e.GetType().Name})");
        }
    }
}

/// <summary>Credentials cannot be loaded; the message names the file or variable, never a secret.</summary>
internal sealed class SshCredentialException(string message) : Exception(message);
