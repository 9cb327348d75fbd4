using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using Recovery.Access;
using Recovery.Addresses;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Kubernetes.Etcd;
using Recovery.Logging;
using CommandResult = System.CommandLine.Parsing.CommandResult;

namespace Recovery.Cli;

/// <summary>
/// The options every verb shares (DESIGN.md, "The command line"). Values are parsed into typed values here
/// (IPAddress, ServiceRef, enums, validated paths): a bad value is a parse error, reported with what was
/// expected, and the tool exits 2 before any node is touched.
/// </summary>
internal sealed class GlobalOptions
{
    public Option<FileInfo?> Inventory { get; } = new("--inventory", "-i") { Description = "Inventory YAML file (nodes, SSH settings, protected addresses)", HelpName = "FILE", Recursive = true };
    public Option<string[]> Nodes { get; } = new("--node") { Description = "A node as NAME=ADDRESS[,control-plane][,etcd]; repeatable, instead of --inventory", HelpName = "NAME=ADDRESS", Recursive = true, AllowMultipleArgumentsPerToken = false };
    public Option<string?> Local { get; } = new("--local") { Description = "Name of the node this runs on (default: found by matching local addresses)", HelpName = "NAME", Recursive = true };
    public Option<IPAddress[]> Addresses { get; } = new("--ip") { Description = "The hijacked address (repeatable); found by diagnose when absent", HelpName = "IP", Recursive = true, CustomParser = ParseAddresses };
    public Option<ServiceRef[]> Services { get; } = new("--service") { Description = "Narrow the target to this Service (NS/NAME, repeatable)", HelpName = "NS/NAME", Recursive = true, CustomParser = ParseServices };
    public Option<IPAddress[]> Protect { get; } = new("--protect") { Description = "More addresses that must never sit on kube-ipvs0 (API VIP, gateway, DNS); repeatable", HelpName = "IP", Recursive = true, CustomParser = ParseAddresses };

    public Option<string?> User { get; } = new("--user") { Description = "SSH user (default: inventory, else root)", HelpName = "USER", Recursive = true };
    public Option<FileInfo?> Identity { get; } = new("--identity") { Description = "SSH private key file", HelpName = "FILE", Recursive = true };
    public Option<FileInfo?> KnownHosts { get; } = new("--known-hosts") { Description = "known_hosts file to verify host keys against (default: inventory, else ~/.ssh/known_hosts)", HelpName = "FILE", Recursive = true };
    public Option<bool> AcceptNewHostKeys { get; } = new("--accept-new-host-keys") { Description = "Trust and record keys of hosts not yet in known_hosts (a changed key is always refused)", Recursive = true };
    public Option<string?> PasswordEnv { get; } = new("--password-env") { Description = "Name of the environment variable holding the SSH password", HelpName = "VAR", Recursive = true };
    public Option<bool> Sudo { get; } = new("--sudo") { Description = "Run remote commands through sudo -n", Recursive = true };
    public Option<IPAddress?> SpareAddress { get; } = new("--spare-address") { Description = "A free address of this node's segment: nodes the hijack cuts off are reached from it (added for the run after a check that nothing answers for it, removed after); instead of IPv6 link-local", HelpName = "IP", Recursive = true, CustomParser = ParseSpareAddress };

    public Option<string[]> EtcdEndpoints { get; } = new("--etcd-endpoints") { Description = "etcd client URLs (default: from kube-apiserver's own flags)", HelpName = "URL", Recursive = true, AllowMultipleArgumentsPerToken = false };
    public Option<FileInfo?> EtcdCaCert { get; } = new("--etcd-cacert") { Description = "etcd CA certificate", HelpName = "FILE", Recursive = true };
    public Option<FileInfo?> EtcdCert { get; } = new("--etcd-cert") { Description = "etcd client certificate", HelpName = "FILE", Recursive = true };
    public Option<FileInfo?> EtcdKey { get; } = new("--etcd-key") { Description = "etcd client key", HelpName = "FILE", Recursive = true };
    public Option<string> EtcdPrefix { get; } = new("--etcd-prefix") { Description = "Key prefix of the Kubernetes objects in etcd", HelpName = "PREFIX", Recursive = true, DefaultValueFactory = _ => "/registry" };

    public Option<FixPath> Via { get; } = new("--via") { Description = "How to fix the Service: auto (kubectl, else etcd), kubectl, etcd", HelpName = "auto|kubectl|etcd", Recursive = true, DefaultValueFactory = _ => FixPath.Auto, CustomParser = r => ParseEnum(r, "--via", FixPath.Auto, ("auto", FixPath.Auto), ("kubectl", FixPath.Kubectl), ("etcd", FixPath.Etcd)) };
    public Option<FixAction> Action { get; } = new("--action") { Description = "delete the Service, or strip the bad addresses and keep it", HelpName = "delete|strip", Recursive = true, DefaultValueFactory = _ => FixAction.Delete, CustomParser = r => ParseEnum(r, "--action", FixAction.Delete, ("delete", FixAction.Delete), ("strip", FixAction.Strip)) };
    public Option<int> Parallel { get; } = new("--parallel") { Description = "At most this many nodes at once", HelpName = "N", Recursive = true, DefaultValueFactory = _ => Fanout.DefaultParallel };
    public Option<DirectoryInfo?> StateDir { get; } = new("--state-dir") { Description = "Where journal, backups and audit log go (default: /var/lib/kube-recover/RUN)", HelpName = "DIR", Recursive = true };
    public Option<bool> Yes { get; } = new("--yes", "-y") { Description = "Do not ask for confirmation", Recursive = true };
    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output (versioned JSON) on stdout", Recursive = true };
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "More detail on stderr", Recursive = true };

    public GlobalOptions()
    {
        Parallel.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--parallel: expected a number of nodes between 1 and 256");
        });
        Nodes.Validators.Add(r =>
        {
            foreach (var spec in r.GetValueOrDefault<string[]>() ?? [])
            {
                try { InventoryLoader.FromNodeOptions([spec], new SshSettings(), []); }
                catch (InventoryException e) { r.AddError(string.Join("; ", e.Errors.Select(x => $"--node {x.Field}: {x.Problem}"))); }
            }
        });
        Local.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } name && !NodeNames.IsValid(name)) r.AddError($"--local: '{SafeText.Of(name)}' is not a node name; expected a DNS name");
        });
        User.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } user && !SshUserName.IsValid(user)) r.AddError($"--user: '{SafeText.Of(user)}' is not a user name; expected a POSIX login name");
        });
        PasswordEnv.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } v && !EnvironmentVariableName.IsValid(v))
                r.AddError("--password-env: expected the NAME of an environment variable (never the password itself)");
        });
        EtcdPrefix.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } p && (!p.StartsWith('/') || p.Length > 256 || p.Any(c => char.IsControl(c) || c == ' ')))
                r.AddError($"--etcd-prefix: '{SafeText.Of(p)}' is not a key prefix; expected an absolute prefix such as /registry");
        });
        EtcdEndpoints.Validators.Add(r =>
        {
            foreach (var url in EtcdUrls(r.GetValueOrDefault<string[]>()))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Port <= 0
                    || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
                    r.AddError($"--etcd-endpoints: '{SafeText.Of(url)}' is not an etcd client URL; expected https://HOST:2379");
            }
        });
        foreach (var file in new[] { Inventory, Identity, EtcdCaCert, EtcdCert, EtcdKey })
        {
            var name = file.Name;
            file.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<FileInfo?>() is { } f && !f.Exists) r.AddError($"{name}: file '{SafeText.Of(f.FullName)}' does not exist; expected a readable file");
            });
        }
    }

    /// <summary>Each etcd client URL: --etcd-endpoints is repeatable and each value may list several, comma-separated, as etcdctl takes them.</summary>
    public static IEnumerable<string> EtcdUrls(string[]? values) => (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The etcd options taken together, a validator of every verb: https endpoints need the three TLS files, and the
    /// files must be the PEM the handshake will load, so a wrong one stops here and not after the survey.
    /// </summary>
    public void ValidateEtcdTls(CommandResult r)
    {
        var (ca, cert, key) = (r.GetValue(EtcdCaCert), r.GetValue(EtcdCert), r.GetValue(EtcdKey));
        var tls = EtcdUrls(r.GetValue(EtcdEndpoints)).Any(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme != Uri.UriSchemeHttp);
        if (tls && (ca is null || cert is null || key is null))
            r.AddError("--etcd-endpoints: https endpoints need --etcd-cacert, --etcd-cert and --etcd-key; expected the etcd CA, a client certificate and its key as PEM files");
        if (ca is { Exists: true })
            CheckPem(r, "--etcd-cacert", () =>
            {
                foreach (var root in EtcdTls.Roots(File.ReadAllBytes(ca.FullName))) root.Dispose();
            });
        if (cert is { Exists: true } && key is { Exists: true })
        {
            // Read as credentials: the key is registered for masking before anything can quote it.
            CheckPem(r, "--etcd-cert, --etcd-key", () =>
            {
                var client = new EtcdCredentials(default, File.ReadAllBytes(cert.FullName), File.ReadAllBytes(key.FullName));
                EtcdTls.Client(client.CertificatePem.Span, client.KeyPem.Span).Dispose();
            });
        }
    }

    private static void CheckPem(CommandResult r, string options, Action load)
    {
        try { load(); }
        catch (EtcdStoreException e) { r.AddError($"{options}: {e.Message}"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { r.AddError($"{options}: {SafeText.Of(e.Message)}; expected a readable PEM file"); }
    }

    public IEnumerable<Option> All =>
    [
        Inventory, Nodes, Local, Addresses, Services, Protect, User, Identity, KnownHosts, AcceptNewHostKeys, PasswordEnv, Sudo, SpareAddress,
        EtcdEndpoints, EtcdCaCert, EtcdCert, EtcdKey, EtcdPrefix, Via, Action, Parallel, StateDir, Yes, Json, Verbose,
    ];

    private static IPAddress[] ParseAddresses(ArgumentResult result)
    {
        var addresses = new List<IPAddress>();
        foreach (var token in result.Tokens)
        {
            if (KubernetesAddress.TryParseHost(token.Value, out var address, out var problem)) addresses.Add(address);
            else result.AddError($"{OptionName(result)}: '{SafeText.Of(token.Value)}' {problem}");
        }
        return addresses.ToArray();
    }

    /// <summary>One unicast host address: a spare address is added to an interface and connections leave from it.</summary>
    private static IPAddress? ParseSpareAddress(ArgumentResult result)
    {
        var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (!KubernetesAddress.TryParseHost(token, out var address, out var problem))
        {
            result.AddError($"--spare-address: '{SafeText.Of(token)}' {problem}");
            return null;
        }
        // TryParseHost refused unspecified, broadcast and multicast; these are unicast but never on a segment's wire.
        if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal)
        {
            result.AddError($"--spare-address: {address} is not a unicast address of a segment; expected a free address of this node's subnet, such as 10.0.0.250");
            return null;
        }
        return address;
    }

    private static ServiceRef[] ParseServices(ArgumentResult result)
    {
        var services = new List<ServiceRef>();
        foreach (var token in result.Tokens)
        {
            try { services.Add(ServiceRef.Parse(token.Value)); }
            catch (FormatException e) { result.AddError($"--service: {SafeText.Of(e.Message)}; expected NS/NAME such as default/nginx-service"); }
        }
        return services.ToArray();
    }

    private static T ParseEnum<T>(ArgumentResult result, string option, T fallback, params (string Name, T Value)[] values)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        foreach (var (name, value) in values)
        {
            if (name == text) return value;
        }
        result.AddError($"{option}: '{SafeText.Of(text)}' is not valid; expected one of {string.Join(", ", values.Select(v => v.Name))}");
        return fallback;
    }

    private static string OptionName(ArgumentResult result) => (result.Parent as OptionResult)?.Option.Name ?? "value";
}
