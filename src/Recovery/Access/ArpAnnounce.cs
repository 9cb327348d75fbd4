namespace Recovery.Access;

/// <summary>
/// Which sender address this machine's ARP requests carry: net.ipv4.conf.{all,DEVICE}.arp_announce, the higher of
/// the two (kernel net/ipv4/arp.c, arp_solicit). At 2, which kube-proxy sets with ipvs.strictARP (MetalLB's L2 mode
/// needs it), the sender is always the interface's primary address: at the owner's console its own, hijacked address,
/// whose requests the other nodes drop as martian (the address is local there), so a connection from the spare
/// address never resolves its neighbour. At 1 the kernel takes the packet's own source when it shares the target's
/// subnet: the spare address. So for the run 2 is lowered to 1, and put back after.
/// </summary>
internal sealed record ArpAnnounce(string Device, int All, int OnDevice)
{
    private const string Root = "/proc/sys/net/ipv4/conf";

    public static ArpAnnounce Read(string device) => new(device, ReadValue("all"), ReadValue(device));

    /// <summary>Whether the sender is always the primary address (the spare address would never be asked from).</summary>
    public bool Strict => Math.Max(All, OnDevice) >= 2;

    /// <summary>At most 1 on both, so the spare address is the sender of its own requests.</summary>
    public void Relax()
    {
        if (All >= 2) Write("all", 1);
        if (OnDevice >= 2) Write(Device, 1);
    }

    /// <summary>Both back to what they were.</summary>
    public void Restore()
    {
        Write(Device, OnDevice);
        Write("all", All);
    }

    /// <summary>What puts both back, for an operator whose run was killed before it could.</summary>
    public string RestoreCommand => $"sysctl -w net/ipv4/conf/{Device}/arp_announce={OnDevice} net/ipv4/conf/all/arp_announce={All}";

    /// <exception cref="SpareAddressException">The value cannot be read: whether strict ARP is on is unknown, so the spare address is not used.</exception>
    private static int ReadValue(string scope)
    {
        var path = Path.Combine(Root, scope, "arp_announce");
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), out var value) ? value : throw new SpareAddressException($"{path} does not hold a number");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpareAddressException($"{path} cannot be read ({e.Message}): whether strict ARP is on is unknown");
        }
    }

    private static void Write(string scope, int value) => File.WriteAllText(Path.Combine(Root, scope, "arp_announce"), $"{value}\n");
}
