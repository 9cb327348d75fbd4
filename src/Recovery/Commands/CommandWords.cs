using System.Net;
using System.Text.RegularExpressions;

namespace Recovery.Commands;

/// <summary>
/// The checks every value of a <see cref="NodeCommand"/> passes when the record is built, from the Planner or from a
/// plan file: what a unit name, a container id, a manifest path or an ipset name may look like. An ArgumentException
/// names the value and what was expected.
/// </summary>
internal static partial class CommandWords
{
    public static string Unit(string unit) =>
        UnitName().IsMatch(Printable(unit)) ? unit : throw Refuse($"'{unit}' is not a kube-proxy, kubelet, k3s or rke2 systemd unit name");

    public static string ContainerId(string id) =>
        ContainerIdPattern().IsMatch(Printable(id)) ? id : throw Refuse($"'{id}' is not a container id: expected 6 to 64 hex digits");

    /// <summary>An absolute, plain path to a kube-proxy static pod manifest (kube-proxy*.yaml, .yml, .json or .manifest).</summary>
    public static string Manifest(string path) =>
        PlainAbsolutePath().IsMatch(Printable(path)) && ManifestName().IsMatch(Path.GetFileName(path)) && !path.StartsWith(AsideDirectory.Path + "/", StringComparison.Ordinal)
            ? path
            : throw Refuse($"'{path}' is not a kube-proxy static pod manifest path: expected an absolute path to kube-proxy*.yaml outside {AsideDirectory.Path}");

    /// <summary>An absolute path of plain names: no "." or ".." segment, no space, quote or control character.</summary>
    public static bool IsPlainAbsolutePath(string path) => PlainAbsolutePath().IsMatch(path);

    /// <summary>An ipset of kube-proxy's IPVS mode (KUBE-..., KUBE-6-... for IPv6).</summary>
    public static string Ipset(string set) =>
        IpsetName().IsMatch(Printable(set)) ? set : throw Refuse($"'{set}' is not a kube-proxy ipset name: expected KUBE-... of at most 31 characters");

    /// <summary>A network interface name as the kernel allows it (at most 15 characters, no slash or space).</summary>
    public static string Device(string device) =>
        DeviceName().IsMatch(Printable(device)) ? device : throw Refuse($"'{device}' is not a network interface name");

    public static string Protocol(string protocol) =>
        protocol is "tcp" or "udp" or "sctp" ? protocol : throw Refuse($"'{protocol}' is not a Service protocol: expected tcp, udp or sctp");

    public static int Port(int port) => port is >= 1 and <= 65535 ? port : throw Refuse($"{port} is not a port: expected 1..65535");

    public static IPAddress Address(IPAddress? address) => address ?? throw Refuse("an address is missing");

    /// <summary>A wait in whole seconds, at most an hour.</summary>
    public static int Seconds(int seconds) => seconds is >= 1 and <= 3600 ? seconds : throw Refuse($"{seconds} s is not a wait: expected 1..3600 seconds");

    /// <summary>A value with a control character is named by that character, so the message itself stays one clean line.</summary>
    private static string Printable(string value) =>
        value.FirstOrDefault(char.IsControl) is var c && c != default
            ? throw Refuse($"a value contains control character U+{(int)c:X4} (starting '{new string(value.TakeWhile(ch => !char.IsControl(ch)).Take(40).ToArray())}')")
            : value;

    private static ArgumentException Refuse(string message) => new(message);

    [GeneratedRegex(@"^[A-Za-z0-9@._-]*(kube|k3s|rke2)[A-Za-z0-9@._-]*\z")]
    private static partial Regex UnitName();

    [GeneratedRegex(@"^[0-9a-f]{6,64}\z")]
    private static partial Regex ContainerIdPattern();

    // No "." or ".." segment: a path that climbs out of its folder is not plain.
    [GeneratedRegex(@"^(/(?!\.\.?(/|\z))[A-Za-z0-9._-]+)+\z")]
    private static partial Regex PlainAbsolutePath();

    [GeneratedRegex(@"^kube-proxy[A-Za-z0-9._-]*\.(yaml|yml|json|manifest)\z")]
    private static partial Regex ManifestName();

    [GeneratedRegex(@"^KUBE-(6-)?[A-Z-]{1,24}\z")]
    private static partial Regex IpsetName();

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,15}\z")]
    private static partial Regex DeviceName();
}
