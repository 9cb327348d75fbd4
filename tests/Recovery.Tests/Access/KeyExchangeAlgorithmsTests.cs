using Recovery.Access;
using Renci.SshNet;

namespace Recovery.Tests.Access;

public sealed class KeyExchangeAlgorithmsTests
{
    private static ConnectionInfo Info() => new("node1", "root", new PasswordAuthenticationMethod("root", "x"));

    [Fact]
    public void Curve25519_comes_first_and_nothing_is_dropped()
    {
        var info = Info();
        var before = info.KeyExchangeAlgorithms.Keys.ToList();
        KeyExchangeAlgorithms.PreferFast(info.KeyExchangeAlgorithms);
        var after = info.KeyExchangeAlgorithms.Keys.ToList();
        Assert.Equal(["curve25519-sha256", "curve25519-sha256@libssh.org"], after.Take(2));
        Assert.Equal(before.Order(), after.Order());
        // The others keep SSH.NET's order: the post-quantum hybrids stay offered, right after.
        Assert.Equal(before.Where(a => !a.StartsWith("curve25519", StringComparison.Ordinal)), after.Skip(2));
    }

    [Fact]
    public void A_list_without_curve25519_is_left_as_it_is()
    {
        var info = Info();
        info.KeyExchangeAlgorithms.Remove("curve25519-sha256");
        info.KeyExchangeAlgorithms.Remove("curve25519-sha256@libssh.org");
        var before = info.KeyExchangeAlgorithms.Keys.ToList();
        KeyExchangeAlgorithms.PreferFast(info.KeyExchangeAlgorithms);
        Assert.Equal(before, info.KeyExchangeAlgorithms.Keys);
    }
}
