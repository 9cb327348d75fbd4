using System.Net;
using System.Text.Json;
using Recovery.Addresses;
using Recovery.Prevention.Audit;
using Recovery.Prevention.Guard;
using YamlDotNet.RepresentationModel;

namespace Recovery.Tests.Kubernetes.Guard;

/// <summary>
/// The printed policy, parsed back from its YAML, with its CEL evaluated by the Cel library (NuGet Cel 0.3.3: the
/// standard macros, matches() with RE2-compatible syntax) against Service objects, the way the API server would.
/// </summary>
public class GuardPolicyTests
{
    private static readonly GuardTarget[] Targets =
    [
        new(IPAddress.Parse("10.77.0.11"), null, "node1 InternalIP"),
        new(IPAddress.Parse("fd00:77::13"), null, "node3 InternalIP"),
        new(IPAddress.Parse("10.77.0.200"), null, "--protect"),
        new(null, AddressRange.Parse("192.168.4.0/22"), "--cidr"),
    ];

    private static readonly string Yaml = GuardPolicy.Render(Targets, (1, 30), "kubectl version");

    [Theory]
    [InlineData("""{"spec":{"externalIPs":["10.77.0.11"]}}""", "node address")]
    [InlineData("""{"spec":{"externalIPs":["10.77.0.250","010.77.0.011"]}}""", "leading-zero spelling of a node address")]
    [InlineData("""{"spec":{"loadBalancerIP":"10.77.0.200"}}""", "protected address")]
    [InlineData("""{"spec":{"externalIPs":["FD00:77:0:0::013"]}}""", "IPv6 node address, another spelling")]
    [InlineData("""{"spec":{"externalIPs":["fd00:77::13"]}}""", "IPv6 node address")]
    [InlineData("""{"spec":{},"status":{"loadBalancer":{"ingress":[{"hostname":"lb.example"},{"ip":"10.77.0.11"}]}}}""", "LB ingress = node address (services/status)")]
    [InlineData("""{"spec":{"externalIPs":["::ffff:10.77.0.11"]}}""", "IPv4-mapped spelling")]
    [InlineData("""{"spec":{"externalIPs":["::ffff:a4d:b"]}}""", "IPv4-mapped hex spelling")]
    // ParseIPSloppy reads hex groups with leading zeros too: ::0ffff:a4d:b is 10.77.0.11 to the API server and kube-proxy.
    [InlineData("""{"spec":{"externalIPs":["::0ffff:a4d:b"]}}""", "IPv4-mapped hex spelling, ffff with a leading zero")]
    [InlineData("""{"spec":{"externalIPs":["0:0:0:0:0:00ffff:a4d:b"]}}""", "IPv4-mapped full spelling, ffff with leading zeros")]
    [InlineData("""{"spec":{"externalIPs":["192.168.7.9"]}}""", "inside a --cidr")]
    [InlineData("""{"spec":{"externalIPs":["192.168.005.001"]}}""", "inside a --cidr, leading zeros")]
    public void Denies(string service, string why) => Assert.False(Admits(service), why);

    [Theory]
    [InlineData("""{"spec":{"externalIPs":["10.77.0.250"]}}""")]
    [InlineData("""{"spec":{"externalIPs":["10.77.0.111","110.77.0.11"]}}""")]
    [InlineData("""{"spec":{"loadBalancerIP":"","ports":[{"port":80}]},"status":{"loadBalancer":{}}}""")]
    [InlineData("""{"spec":{"externalIPs":["fd00:77::14","fd00:77::1:13"]}}""")]
    [InlineData("""{"spec":{"externalIPs":["192.168.8.1","192.168.3.255"]}}""")]
    [InlineData("""{"spec":{"type":"ClusterIP","clusterIP":"10.77.0.11"}}""")]
    public void Admits_free_addresses(string service) => Assert.True(Admits(service));

    [Fact]
    public void Yaml_carries_the_policy_and_its_binding()
    {
        var docs = Documents();
        Assert.Equal(2, docs.Count);
        var (policy, binding) = (docs[0], docs[1]);
        Assert.Equal("admissionregistration.k8s.io/v1", Scalar(policy, "apiVersion"));
        Assert.Equal("ValidatingAdmissionPolicy", Scalar(policy, "kind"));
        Assert.Equal("Fail", Scalar(policy, "spec", "failurePolicy"));
        var rule = (YamlMappingNode)((YamlSequenceNode)Node(policy, "spec", "matchConstraints", "resourceRules")).Children[0];
        Assert.Equal(["services", "services/status"], ((YamlSequenceNode)rule.Children["resources"]).Children.Select(c => c.ToString()));
        Assert.Equal(["CREATE", "UPDATE"], ((YamlSequenceNode)rule.Children["operations"]).Children.Select(c => c.ToString()));
        Assert.All(((YamlSequenceNode)Node(policy, "spec", "validations")).Children.Cast<YamlMappingNode>(), v => Assert.DoesNotContain('\n', v.Children["message"].ToString()));
        Assert.Equal("ValidatingAdmissionPolicyBinding", Scalar(binding, "kind"));
        Assert.Equal(Scalar(policy, "metadata", "name"), Scalar(binding, "spec", "policyName"));
        Assert.Equal(["Deny"], ((YamlSequenceNode)Node(binding, "spec", "validationActions")).Children.Select(c => c.ToString()));
        Assert.Null(policy.Children.ContainsKey("paramKind") ? policy : null);
    }

    [Fact]
    public void Says_which_guard_fits_the_version()
    {
        Assert.Contains("fits (GA from 1.30)", Yaml, StringComparison.Ordinal);
        var old = GuardPolicy.Render(Targets, (1, 25), "kubectl version");
        Assert.Contains("does NOT fit this cluster", old, StringComparison.Ordinal);
        Assert.Contains("--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs", old, StringComparison.Ordinal);
        Assert.Contains("--allowed-external-ip-cidrs=", old, StringComparison.Ordinal);
        Assert.DoesNotContain("DenyServiceExternalIPs", GuardPolicy.Render(Targets, (1, 20), "kubectl version"), StringComparison.Ordinal); // plugin from 1.21
        Assert.Contains("Cluster version unknown", GuardPolicy.Render(Targets, null, "no answer"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0/8", null)]
    [InlineData("fd00::1/128", null)]
    [InlineData("fd00::/64", "IPv6 range")]
    [InlineData("10.0.0.1", "not a CIDR")]
    [InlineData("10.0.0.1-10.0.0.9", "not a CIDR")]
    public void Cidr_values_are_checked(string cidr, string? problem)
    {
        var actual = ServiceGuard.Problem(cidr);
        if (problem is null) Assert.Null(actual);
        else Assert.Contains(problem, actual, StringComparison.Ordinal);
    }

    private static bool Admits(string serviceJson)
    {
        var policy = Documents()[0];
        var env = new Cel.CelEnvironment(null, null);
        var variables = new Dictionary<string, object?>();
        var context = new Dictionary<string, object?> { ["object"] = ToCel(JsonDocument.Parse(serviceJson).RootElement), ["variables"] = variables };
        foreach (var v in ((YamlSequenceNode)Node(policy, "spec", "variables")).Children.Cast<YamlMappingNode>())
        {
            variables[v.Children["name"].ToString()] = env.Program(v.Children["expression"].ToString(), context);
        }
        return ((YamlSequenceNode)Node(policy, "spec", "validations")).Children.Cast<YamlMappingNode>()
            .All(v => env.Program(v.Children["expression"].ToString(), context) is true);
    }

    private static List<YamlMappingNode> Documents()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Yaml));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode Node(YamlMappingNode root, params string[] path)
    {
        YamlNode node = root;
        foreach (var p in path) node = ((YamlMappingNode)node).Children[p];
        return node;
    }

    private static string Scalar(YamlMappingNode root, params string[] path) => Node(root, path).ToString();

    private static object? ToCel(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => ToCel(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Select(ToCel).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetInt64(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
