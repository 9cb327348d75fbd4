using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Tests.Access;

/// <summary>
/// A real OpenSSH sshd (Debian openssh-server) on 127.0.0.1 and a free port, with its own host keys (ed25519 and
/// rsa), config and authorized_keys in a temporary folder; client keys of every type made by ssh-keygen
/// (ed25519, ecdsa, rsa, and an ed25519 encrypted with a passphrase). When useradd exists, it also creates
/// throw-away users: one with passwordless sudo, one whose sudo needs a password, one that logs in by password (passwordless sudo).
/// Dispose stops sshd and removes the users, the sudoers drop-ins and the folder.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SshdFixture : IDisposable
{
    public const string Passphrase = "correct horse battery staple";

    private readonly Process _sshd;
    private readonly List<string> _users = [];
    private readonly List<string> _sudoers = [];

    public SshdFixture()
    {
        Id = $"{Environment.ProcessId}{RandomNumberGenerator.GetInt32(1000, 9999)}";
        Directory = System.IO.Directory.CreateTempSubdirectory("kr-sshd-").FullName;
        Processes.MustRun("chmod", "0711", Directory);
        foreach (var type in new[] { "ed25519", "rsa" })
        {
            Processes.MustRun("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "", "-f", Path.Combine(Directory, $"host_{type}"));
        }
        foreach (var type in new[] { "ed25519", "ecdsa", "rsa" })
        {
            Processes.MustRun("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "", "-f", ClientKey(type));
        }
        Processes.MustRun("ssh-keygen", "-q", "-t", "ed25519", "-N", Passphrase, "-C", "", "-f", EncryptedClientKey);
        var authorized = new[] { "ed25519", "ecdsa", "rsa" }.Select(t => ClientKey(t) + ".pub").Append(EncryptedClientKey + ".pub")
            .Select(File.ReadAllText);
        File.WriteAllText(Path.Combine(Directory, "authorized_keys"), string.Concat(authorized));
        CreateUsers();

        Port = FreePort();
        var config = Path.Combine(Directory, "sshd_config");
        File.WriteAllText(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {Path.Combine(Directory, "host_ed25519")}
            HostKey {Path.Combine(Directory, "host_rsa")}
            PidFile {Path.Combine(Directory, "sshd.pid")}
            AuthorizedKeysFile {Path.Combine(Directory, "authorized_keys")}
            UsePAM no
            StrictModes no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            MaxStartups 100
            MaxSessions 100
            LogLevel VERBOSE
            Match User {PasswordUser}
                PasswordAuthentication yes

            """);
        System.IO.Directory.CreateDirectory("/run/sshd");
        var start = new ProcessStartInfo("/usr/sbin/sshd") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-D", "-e", "-f", config }) start.ArgumentList.Add(a);
        _sshd = Process.Start(start)!;
        _sshd.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _sshd.BeginErrorReadLine();
        WaitForBanner();
    }

    public string Id { get; }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>What sshd has logged so far. Its lines arrive on another thread (stderr read by an event): read them
    /// only through this, never the builder itself, or a read racing an append throws.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    private readonly StringBuilder _log = new();

    internal HostKey HostKeyEd25519 => HostKey.ReadPublicKeyFile(Path.Combine(Directory, "host_ed25519.pub"));

    internal HostKey HostKeyRsa => HostKey.ReadPublicKeyFile(Path.Combine(Directory, "host_rsa.pub"));

    /// <summary>The fingerprint ssh-keygen prints for the sshd's ed25519 host key (the real tool, not our code).</summary>
    public string HostKeyEd25519Fingerprint =>
        Processes.MustRun("ssh-keygen", "-l", "-E", "sha256", "-f", Path.Combine(Directory, "host_ed25519.pub")).Split(' ')[1];

    public string EncryptedClientKey => Path.Combine(Directory, "client_ed25519_encrypted");

    public bool UsersAvailable { get; private set; }

    public string SudoUser => $"krsudo{Id}";

    public string SudoPasswordUser => $"krsudopw{Id}";

    public string PasswordUser => $"krpw{Id}";

    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    public string ClientKey(string type) => Path.Combine(Directory, $"client_{type}");

    /// <summary>A fresh known_hosts path in the fixture folder (not created).</summary>
    public string NewKnownHostsPath() => Path.Combine(Directory, $"known_hosts_{Guid.NewGuid():N}");

    internal string HostEntry(HostKey key) => $"[127.0.0.1]:{Port} {key.Type} {key.Base64}\n";

    /// <summary>An inventory where node1 is this sshd (127.0.0.1) and node2/node3 are other, unreachable addresses.</summary>
    internal static ClusterInventory Inventory(SshSettings ssh) => new(
        "test",
        ssh,
        [],
        [
            new Node("node1", IPAddress.Parse("127.0.0.1"), new HashSet<NodeRole> { NodeRole.ControlPlane }),
            new Node("node2", IPAddress.Parse("127.0.0.2"), new HashSet<NodeRole> { NodeRole.ControlPlane }),
            new Node("node3", IPAddress.Parse("127.0.0.3"), new HashSet<NodeRole>()),
        ]);

    internal SshSettings Settings(string knownHosts, string user = "root", string? identity = null) => new(
        User: user,
        Port: Port,
        IdentityFile: identity ?? ClientKey("ed25519"),
        KnownHostsFile: knownHosts,
        ConnectTimeout: TimeSpan.FromSeconds(30));

    public string KnownHostsTrusting()
    {
        var path = NewKnownHostsPath();
        File.WriteAllText(path, HostEntry(HostKeyEd25519));
        return path;
    }

    public void Dispose()
    {
        try
        {
            if (!_sshd.HasExited) _sshd.Kill(entireProcessTree: true);
            _sshd.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _sshd.Dispose();
        foreach (var file in _sudoers) File.Delete(file);
        foreach (var user in _users) Processes.Run("userdel", "-r", "-f", user);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private void CreateUsers()
    {
        if (!Processes.Exists("useradd") || !Processes.Exists("chpasswd")) return;
        foreach (var user in new[] { SudoUser, SudoPasswordUser, PasswordUser })
        {
            if (Processes.Run("useradd", "-m", "-s", "/bin/sh", user).Exit != 0) return;
            _users.Add(user);
        }
        // Key-only users get '*' (not '!', which sshd without PAM treats as a locked account).
        Processes.MustRun("usermod", "-p", "*", SudoUser);
        Processes.MustRun("usermod", "-p", "*", SudoPasswordUser);
        var (exit, _, stderr) = Processes.RunWithInput($"{PasswordUser}:{Password}\n", "chpasswd");
        if (exit != 0) throw new InvalidOperationException($"chpasswd failed: {stderr}");
        if (Processes.Exists("sudo") && System.IO.Directory.Exists("/etc/sudoers.d"))
        {
            AddSudoers($"kr-test-{SudoUser}", $"{SudoUser} ALL=(ALL) NOPASSWD: ALL\n");
            AddSudoers($"kr-test-{SudoPasswordUser}", $"{SudoPasswordUser} ALL=(ALL) ALL\n");
            AddSudoers($"kr-test-{PasswordUser}", $"{PasswordUser} ALL=(ALL) NOPASSWD: ALL\n");
        }
        UsersAvailable = true;
    }

    public bool SudoAvailable => _sudoers.Count == 3;

    private void AddSudoers(string name, string content)
    {
        var path = Path.Combine("/etc/sudoers.d", name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        _sudoers.Add(path);
        Processes.MustRun("visudo", "-c", "-q", "-f", path);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WaitForBanner()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_sshd.HasExited) throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode}: {Log}");
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                client.ReceiveTimeout = 5000;
                var buffer = new byte[8];
                var read = client.GetStream().Read(buffer);
                if (read > 0 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("SSH-", StringComparison.Ordinal)) return;
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"sshd did not answer on port {Port}: {Log}");
    }
}

[CollectionDefinition(Name)]
public sealed class SshdCollection : ICollectionFixture<SshdFixture>
{
    public const string Name = "real sshd";
}

/// <summary>Secrets for tests: a dictionary instead of the process environment, and no terminal to prompt on.</summary>
internal sealed class TestSecrets(IReadOnlyDictionary<string, string>? values = null) : ISecretSource
{
    public List<string> Prompts { get; } = [];

    public string? FromEnvironment(string variable) => values is not null && values.TryGetValue(variable, out var v) ? v : null;

    public string? Prompt(string question)
    {
        Prompts.Add(question);
        return null;
    }
}
