using System.CommandLine;
using Recovery.Access;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Kubernetes.Etcd;

namespace Recovery.Cli.Commands;

/// <summary>How a command reaches etcd: the --etcd-* options when given, else through a control-plane node.</summary>
internal static class EtcdAccess
{
    public static EtcdOpener Opener(ParseResult parse, GlobalOptions global, ClusterInventory inventory, string? localNode, Func<Node, CancellationToken, Task<INodeShell>> connect)
    {
        // An explicit --etcd-prefix wins; otherwise kube-apiserver's own --etcd-prefix (discovered) or /registry.
        var prefix = parse.GetResult(global.EtcdPrefix) is { Implicit: false } ? parse.GetValue(global.EtcdPrefix) : null;
        return new EtcdOpener(Given(parse, global, prefix), EtcdOpener.Candidates(inventory, localNode), connect, prefix);
    }

    public static IEtcdServiceFixer Fixer(ParseResult parse, GlobalOptions global, ClusterInventory inventory, string? localNode, Func<Node, CancellationToken, Task<INodeShell>> connect, string? snapshot) =>
        new EtcdServiceFixer(Opener(parse, global, inventory, localNode, connect), BuildInfo.Current.Version, snapshot);

    private static EtcdConnection? Given(ParseResult parse, GlobalOptions global, string? prefix)
    {
        var endpoints = parse.GetValue(global.EtcdEndpoints) ?? [];
        if (endpoints.Length == 0) return null;
        var uris = GlobalOptions.EtcdUrls(endpoints).Select(e => new Uri(e)).ToList();
        if (uris.All(u => u.Scheme == "http")) return new EtcdConnection(uris, null, prefix ?? EtcdConnection.DefaultPrefix);
        var (ca, cert, key) = (parse.GetValue(global.EtcdCaCert), parse.GetValue(global.EtcdCert), parse.GetValue(global.EtcdKey));
        // GlobalOptions.ValidateEtcdTls refused this at parse, before any node was reached.
        if (ca is null || cert is null || key is null) throw new InvalidOperationException("https etcd endpoints without their TLS files passed validation");
        var credentials = new EtcdCredentials(File.ReadAllBytes(ca.FullName), File.ReadAllBytes(cert.FullName), File.ReadAllBytes(key.FullName));
        return new EtcdConnection(uris, credentials, prefix ?? EtcdConnection.DefaultPrefix);
    }
}
