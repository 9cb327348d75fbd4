using System.CommandLine;
using Recovery.Execution;
using Recovery.Inventory;

namespace Recovery.Cli.Commands;

/// <summary>The etcd side of a run (--via etcd, or auto when no API answers).</summary>
public static class EtcdAccess
{
    public static IEtcdServiceFixer? Fixer(ParseResult parse, GlobalOptions global, ClusterInventory inventory) => null;
}
