using System.Diagnostics.CodeAnalysis;

namespace Recovery.Inventory;

/// <summary>
/// The one map between <see cref="KubeProxyManager"/> and the names the inventory, the facts JSON, the stop marker
/// and the reports use for it.
/// </summary>
internal static class KubeProxyManagerNames
{
    /// <summary>For messages: every name, as an operator may write them.</summary>
    public static string Expected => string.Join(", ", Enum.GetValues<KubeProxyManager>().Select(Of).SkipLast(1)) + " or " + Of(Enum.GetValues<KubeProxyManager>()[^1]);

    public static string Of(KubeProxyManager manager) => manager switch
    {
        KubeProxyManager.StaticPod => "static-pod",
        _ => manager.ToString().ToLowerInvariant(),
    };

    public static bool TryParse([NotNullWhen(true)] string? name, out KubeProxyManager manager)
    {
        foreach (var m in Enum.GetValues<KubeProxyManager>())
        {
            if (Of(m) != name) continue;
            manager = m;
            return true;
        }
        manager = default;
        return false;
    }
}
