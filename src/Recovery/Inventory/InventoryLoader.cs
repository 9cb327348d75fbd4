using System.Net;
using System.Text;
using Recovery.Logging;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Recovery.Inventory;

/// <summary>
/// Reads the inventory YAML (DESIGN.md) with the YAML node model, so every error names its line. Nothing is
/// accepted silently: unknown fields, duplicates, malformed values and missing key files are all reported
/// together, and the caller exits 2 before any node is touched.
/// </summary>
internal sealed class InventoryLoader(Func<string, bool> fileExists, string homeDirectory)
{
    public const long MaxFileBytes = 1024 * 1024;

    private static readonly string[] TopFields = ["cluster", "ssh", "protect", "nodes"];
    private static readonly string[] SshFields = ["user", "port", "identityFile", "knownHosts", "passwordEnv", "passphraseEnv", "sudo", "connectTimeoutSeconds"];
    private static readonly string[] NodeFields = ["name", "address", "roles", "kubeProxy"];
    private static readonly string[] KubeProxyFields = ["manager", "stop", "start"];

    private readonly List<InventoryError> _errors = [];
    private string _source = "";

    public static InventoryLoader ForThisMachine() =>
        new(File.Exists, HomePath.Directory);

    public ClusterInventory LoadFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw Single(path, "file", "does not exist; expected a readable inventory YAML file");
        if (info.Length > MaxFileBytes) throw Single(path, "file", $"is {info.Length} bytes; an inventory is expected to be under {MaxFileBytes} bytes");
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            throw Single(path, "file", "is not valid UTF-8 text; expected a YAML file");
        }
        return Parse(text, path);
    }

    public ClusterInventory Parse(string yaml, string source)
    {
        _errors.Clear();
        _source = source;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw Single(source, "yaml", $"line {e.Start.Line}: {e.Message}", e.Start.Line);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Single(source, "document", "expected one YAML mapping with 'nodes' (and optionally 'cluster', 'ssh', 'protect')");
        }

        CheckFields(root, TopFields, "");
        var cluster = root.Children.TryGetValue(new YamlScalarNode("cluster"), out var c) ? Scalar(c, "cluster") : null;
        var ssh = root.Children.TryGetValue(new YamlScalarNode("ssh"), out var s) ? ReadSsh(s) : new SshSettings();
        var protect = root.Children.TryGetValue(new YamlScalarNode("protect"), out var p) ? ReadAddresses(p, "protect") : [];
        var nodes = new List<Node>();
        if (!root.Children.TryGetValue(new YamlScalarNode("nodes"), out var n) || n is not YamlSequenceNode seq || seq.Children.Count == 0)
        {
            Error(root, "nodes", "is missing or empty; expected a list of nodes, each with a name and an address");
        }
        else
        {
            for (var i = 0; i < seq.Children.Count; i++)
            {
                if (ReadNode(seq.Children[i], $"nodes[{i}]") is { } node) nodes.Add(node);
            }
            CheckDuplicates(seq, nodes);
        }

        if (_errors.Count > 0) throw new InventoryException(_errors.ToList());
        return new ClusterInventory(cluster, ssh, protect, nodes);
    }

    /// <summary>Builds an inventory from `--node NAME=ADDRESS[,ROLE...]` options (roles: control-plane, etcd).</summary>
    public static ClusterInventory FromNodeOptions(IEnumerable<string> specs, SshSettings ssh, IReadOnlyList<IPAddress> protect)
    {
        var errors = new List<InventoryError>();
        var nodes = new List<Node>();
        foreach (var spec in specs)
        {
            var eq = spec.IndexOf('=');
            var parts = eq < 0 ? [] : spec[(eq + 1)..].Split(',');
            var name = eq < 0 ? spec : spec[..eq];
            if (eq < 0 || parts[0].Length == 0)
            {
                errors.Add(new InventoryError("--node", 0, Printable(spec), "expected NAME=ADDRESS[,control-plane][,etcd]"));
                continue;
            }
            if (NodeRules.NameProblem(name) is { } badName) errors.Add(new InventoryError("--node", 0, Printable(spec), badName));
            if (!NodeRules.TryAddress(parts[0], out var address, out var badAddress)) errors.Add(new InventoryError("--node", 0, Printable(spec), badAddress));
            var roles = new HashSet<NodeRole>();
            foreach (var role in parts.Skip(1))
            {
                if (NodeRules.Role(role, out var badRole) is { } r) roles.Add(r);
                else if (badRole is not null) errors.Add(new InventoryError("--node", 0, Printable(spec), badRole));
            }
            if (address is not null) nodes.Add(new Node(name, address, roles));
        }
        if (nodes.Count == 0 && errors.Count == 0) errors.Add(new InventoryError("--node", 0, "--node", "no nodes given; expected --inventory FILE or at least one --node NAME=ADDRESS"));
        errors.AddRange(NodeRules.Duplicates(nodes).Select(problem => new InventoryError("--node", 0, "--node", problem)));
        if (errors.Count > 0) throw new InventoryException(errors);
        return new ClusterInventory(null, ssh, protect, nodes);
    }

    private SshSettings ReadSsh(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "ssh", "expected a mapping such as { user: root, port: 22, identityFile: ~/.ssh/id_ed25519 }");
            return new SshSettings();
        }
        CheckFields(map, SshFields, "ssh.");
        var settings = new SshSettings();
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var field = "ssh." + key;
            switch (key)
            {
                case "user":
                    var user = Scalar(value, field);
                    if (user is not null && !SshUserName.IsValid(user))
                        Error(value, field, $"'{Printable(user)}' is not a user name; expected a POSIX login name");
                    else if (user is not null) settings = (settings with { User = user }).GivenBy(SshField.User, Where(value));
                    break;
                case "port":
                    if (int.TryParse(Scalar(value, field), out var port) && port is > 0 and < 65536) settings = (settings with { Port = port }).GivenBy(SshField.Port, Where(value));
                    else Error(value, field, "expected a TCP port number between 1 and 65535");
                    break;
                case "identityFile":
                    if (Path_(value, field, mustExist: true) is { } identity) settings = (settings with { IdentityFile = identity }).GivenBy(SshField.IdentityFile, Where(value));
                    break;
                case "knownHosts":
                    if (Path_(value, field, mustExist: false) is { } known) settings = (settings with { KnownHostsFile = known }).GivenBy(SshField.KnownHosts, Where(value));
                    break;
                case "passwordEnv":
                case "passphraseEnv":
                    var variable = Scalar(value, field);
                    if (variable is null || !EnvironmentVariableName.IsValid(variable))
                        Error(value, field, "expected the NAME of an environment variable holding the secret (the secret itself never goes in the inventory)");
                    else settings = key == "passwordEnv" ? settings with { PasswordEnv = variable } : settings with { PassphraseEnv = variable };
                    break;
                case "sudo":
                    if (bool.TryParse(Scalar(value, field), out var sudo)) settings = settings with { Sudo = sudo };
                    else Error(value, field, "expected true or false");
                    break;
                case "connectTimeoutSeconds":
                    if (int.TryParse(Scalar(value, field), out var seconds) && seconds is > 0 and <= 600) settings = settings with { ConnectTimeout = TimeSpan.FromSeconds(seconds) };
                    else Error(value, field, "expected a number of seconds between 1 and 600");
                    break;
            }
        }
        return settings;
    }

    private Node? ReadNode(YamlNode node, string at)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, at, "expected a mapping { name: NAME, address: IP, roles: [control-plane, etcd] }");
            return null;
        }
        CheckFields(map, NodeFields, at + ".");
        var name = map.Children.TryGetValue(new YamlScalarNode("name"), out var n) ? Scalar(n, at + ".name") : null;
        var ok = true;
        if (name is null) { Error(map, at + ".name", "is missing; expected the node's name (its Kubernetes node name)"); ok = false; }
        else if (NodeRules.NameProblem(name) is { } badName) { Error(n!, at + ".name", badName); ok = false; }

        var addressText = map.Children.TryGetValue(new YamlScalarNode("address"), out var a) ? Scalar(a, at + ".address") : null;
        IPAddress? address = null;
        if (addressText is null) { Error(map, at + ".address", "is missing; expected the node's IP address"); ok = false; }
        else if (!NodeRules.TryAddress(addressText, out address, out var badAddress)) { Error(a!, at + ".address", badAddress); ok = false; }

        var roles = new HashSet<NodeRole>();
        if (map.Children.TryGetValue(new YamlScalarNode("roles"), out var r))
        {
            if (r is not YamlSequenceNode list) Error(r, at + ".roles", "expected a list such as [control-plane, etcd]");
            else
            {
                foreach (var item in list)
                {
                    var role = Scalar(item, at + ".roles");
                    if (role is null) continue;
                    if (NodeRules.Role(role, out var badRole) is { } parsed) roles.Add(parsed);
                    else if (badRole is not null) Error(item, at + ".roles", badRole);
                }
            }
        }

        KubeProxySpec? kubeProxy = null;
        if (map.Children.TryGetValue(new YamlScalarNode("kubeProxy"), out var k)) kubeProxy = ReadKubeProxy(k, at + ".kubeProxy");
        return ok ? new Node(name!, address!, roles, kubeProxy) : null;
    }

    private KubeProxySpec? ReadKubeProxy(YamlNode node, string at)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, at, $"expected a mapping {{ manager: {KubeProxyManagerNames.Expected.Replace(", ", "|").Replace(" or ", "|")}, stop: CMD, start: CMD }}");
            return null;
        }
        CheckFields(map, KubeProxyFields, at + ".");
        var managerText = map.Children.TryGetValue(new YamlScalarNode("manager"), out var m) ? Scalar(m, at + ".manager") : null;
        if (!KubeProxyManagerNames.TryParse(managerText, out var manager))
        {
            Error(m ?? map, at + ".manager", $"'{Printable(managerText ?? "")}' is not a kube-proxy manager; expected {KubeProxyManagerNames.Expected}");
            return null;
        }
        var stop = map.Children.TryGetValue(new YamlScalarNode("stop"), out var s) ? Argv(s, at + ".stop") : null;
        var start = map.Children.TryGetValue(new YamlScalarNode("start"), out var st) ? Argv(st, at + ".start") : null;
        if (manager == KubeProxyManager.Custom && (stop is null || start is null))
        {
            Error(map, at, "manager custom needs both 'stop' and 'start' commands");
            return null;
        }
        if (manager != KubeProxyManager.Custom && (stop is not null || start is not null))
        {
            Error(map, at, $"'stop' and 'start' are only for manager custom; manager {managerText} is stopped and started the standard way");
        }
        return new KubeProxySpec(manager, stop, start);
    }

    /// <summary>A command given as a list of words, or as one string split on spaces (no shell: quotes and operators are refused).</summary>
    private IReadOnlyList<string>? Argv(YamlNode node, string field)
    {
        var words = node switch
        {
            YamlSequenceNode list => list.Children.Select(x => Scalar(x, field) ?? "").ToList(),
            YamlScalarNode scalar => (scalar.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList(),
            _ => [],
        };
        if (words.Count == 0 || words[0].Length == 0)
        {
            Error(node, field, "expected a command, as a list of words or a string of words separated by spaces");
            return null;
        }
        foreach (var word in words)
        {
            if (word.Any(c => char.IsControl(c) || "|&;<>()$`\\\"'*?[]#~{}".Contains(c)))
            {
                Error(node, field, $"word '{Printable(word)}' has a shell operator or quote; expected plain words (the command runs without a shell: put a script on the node and name it here)");
                return null;
            }
        }
        return words;
    }

    private IReadOnlyList<IPAddress> ReadAddresses(YamlNode node, string field)
    {
        if (node is not YamlSequenceNode list)
        {
            Error(node, field, "expected a list of IP addresses such as [10.0.0.200]");
            return [];
        }
        var result = new List<IPAddress>();
        foreach (var item in list)
        {
            var text = Scalar(item, field);
            if (text is null) continue;
            if (NodeRules.TryAddress(text, out var address, out var problem)) result.Add(address);
            else Error(item, field, problem);
        }
        return result;
    }

    private string? Path_(YamlNode node, string field, bool mustExist)
    {
        var text = Scalar(node, field);
        if (text is null) return null;
        if (text.Length == 0 || text.Any(char.IsControl))
        {
            Error(node, field, "expected a file path");
            return null;
        }
        var path = HomePath.Expand(text, homeDirectory);
        if (mustExist && !fileExists(path))
        {
            Error(node, field, $"file '{Printable(path)}' does not exist; expected a readable private key file");
            return null;
        }
        return path;
    }

    private void CheckDuplicates(YamlSequenceNode seq, List<Node> nodes)
    {
        _errors.AddRange(NodeRules.Duplicates(nodes).Select(problem => new InventoryError(_source, seq.Start.Line, "nodes", problem)));
    }

    private void CheckFields(YamlMappingNode map, string[] allowed, string prefix)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (name is null || !allowed.Contains(name))
                Error(key, prefix + Printable(name ?? "?"), $"unknown field; expected one of: {string.Join(", ", allowed)}");
        }
    }

    private string? Scalar(YamlNode node, string field)
    {
        if (node is YamlScalarNode { Value: { } value }) return value;
        Error(node, field, "expected a single value, not a list or mapping");
        return null;
    }

    private string Where(YamlNode node) => $"{_source}:{node.Start.Line}";

    private void Error(YamlNode at, string field, string problem) => _errors.Add(new InventoryError(_source, at.Start.Line, field, problem));

    private static InventoryException Single(string source, string field, string problem, long line = 0) =>
        new([new InventoryError(source, line, field, problem)]);

    private static string Printable(string value) => SafeText.Of(value);
}
