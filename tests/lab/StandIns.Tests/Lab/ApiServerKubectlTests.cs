using System.Text.Json.Nodes;

namespace Lab.StandIns.Tests.Lab;

/// <summary>Real kubectl 1.20 against the stand-in kube-apiserver over a real etcd 3.4 with TLS.</summary>
public class ApiServerKubectlTests(LabCluster lab) : IClassFixture<LabCluster>
{
    private static string Seed(string name) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          selector:
            app: zgz
          ports:
          - protocol: TCP
            port: 80
            targetPort: http-web-svc
        """;

    private JsonObject Json(string kind, string name) => Ok(lab.Kube("get", kind, name, "-o", "json")).AsJsonObject();

    private byte[] Stored(string key)
    {
        var r = lab.Etcdctl("get", key, "--print-value-only");
        Assert.Equal(0, r.Code);
        return r.Out.Length > 0 && r.Out[^1] == 0x0a ? r.Out[..^1] : r.Out;
    }

    private static Run.Result Ok(Run.Result r)
    {
        Assert.True(r.Code == 0, r.ToString());
        return r;
    }

    [SkippableFact]
    public void Seed_service_through_kubectl_is_stored_as_the_apiserver_stores_it()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        Assert.Contains("service/nginx-service created", Ok(lab.KubeApply(Seed("nginx-service"))).Text);
        var svc = Json("svc", "nginx-service");
        var clusterIp = svc["spec"]!["clusterIP"]!.ToString();
        Assert.StartsWith("10.", clusterIp);
        Assert.Equal(clusterIp, svc["spec"]!["clusterIPs"]![0]!.ToString());
        Assert.Equal("http-web-svc", svc["spec"]!["ports"]![0]!["targetPort"]!.ToString());

        Assert.Contains("patched", Ok(lab.Kube("patch", "svc", "nginx-service", "-p", """{"spec":{"externalIPs":["10.77.0.11"]}}""")).Text);
        Assert.Contains("- 10.77.0.11", Ok(lab.Kube("get", "svc", "nginx-service", "-o", "yaml")).Text);
        var all = Ok(lab.Kube("get", "svc", "-A")).Text;
        Assert.Matches(@"default\s+nginx-service\s+ClusterIP\s+" + clusterIp.Replace(".", "\\.") + @"\s+10\.77\.0\.11\s+80/TCP", all);

        // The value in etcd, read with an independent wire walker.
        var value = Stored("/registry/services/specs/default/nginx-service");
        Assert.Equal("k8s\0"u8.ToArray(), value[..4]);
        var unknown = value[4..];
        Assert.Equal("Service", Wire.One(Wire.One(unknown, 1).Bytes!, 2).Text);
        var spec = Wire.One(Wire.One(unknown, 2).Bytes!, 2).Bytes!;
        Assert.Equal("10.77.0.11", Wire.One(spec, 5).Text);
        Assert.Equal(clusterIp, Wire.One(spec, 3).Text);

        Assert.Contains("patched", Ok(lab.Kube("patch", "svc", "nginx-service", "--type", "json", "-p", """[{"op":"remove","path":"/spec/externalIPs"}]""")).Text);
        Assert.Empty(Wire.All(Wire.One(Wire.One(Stored("/registry/services/specs/default/nginx-service")[4..], 2).Bytes!, 2).Bytes!, 5));

        Assert.Contains("deleted", Ok(lab.Kube("delete", "svc", "nginx-service")).Text);
        Assert.Empty(Ok(lab.Etcdctl("get", "--prefix", "--keys-only", "/registry/services/specs/default/nginx-service")).Text.Trim());
    }

    [SkippableFact]
    public void ManagedFields_follow_who_set_what()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        Ok(lab.KubeApply(Seed("managed")));
        Ok(lab.Kube("patch", "svc", "managed", "-p", """{"spec":{"externalIPs":["10.77.0.11"]}}"""));
        var entries = Json("svc", "managed")["metadata"]!["managedFields"]!.AsArray();
        var apply = entries.Single(e => e!["manager"]!.ToString() == "kubectl-client-side-apply")!;
        Assert.Equal("Update", apply["operation"]!.ToString());
        Assert.NotNull(apply["fieldsV1"]!["f:spec"]!["f:ports"]!["k:{\"port\":80,\"protocol\":\"TCP\"}"]!["f:targetPort"]);
        Assert.NotNull(apply["fieldsV1"]!["f:metadata"]!["f:annotations"]!["f:kubectl.kubernetes.io/last-applied-configuration"]);
        Assert.Null(apply["fieldsV1"]!["f:spec"]!["f:clusterIP"]); // allocated by the server, owned by no one
        var patcher = entries.Single(e => e!["fieldsV1"]!["f:spec"]?["f:externalIPs"] is not null)!;
        Assert.NotEqual("kubectl-client-side-apply", patcher["manager"]!.ToString());

        // ObjectMeta.managedFields = 17 in etcd, FieldsV1 = {Raw = 1} holding the JSON
        var meta = Wire.One(Wire.One(Stored("/registry/services/specs/default/managed")[4..], 2).Bytes!, 1).Bytes!;
        var stored = Wire.All(meta, 17).Select(e => Wire.Fields(e.Bytes!)).ToList();
        Assert.Equal(2, stored.Count);
        Assert.Contains(stored, e => e.Single(f => f.Number == 1).Text == "kubectl-client-side-apply");
        Assert.Contains(stored, e => Wire.One(e.Single(f => f.Number == 7).Bytes!, 1).Text.Contains("\"f:externalIPs\":{}", StringComparison.Ordinal));

        Ok(lab.Kube("patch", "svc", "managed", "--type", "json", "-p", """[{"op":"remove","path":"/spec/externalIPs"}]"""));
        Assert.DoesNotContain(Json("svc", "managed")["metadata"]!["managedFields"]!.AsArray(), e => e!["fieldsV1"]!["f:spec"]?["f:externalIPs"] is not null);
        Ok(lab.Kube("delete", "svc", "managed"));
    }

    [SkippableFact]
    public void Service_create_writes_endpoints_and_slice_owned_by_it_and_delete_removes_them()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        Ok(lab.KubeApply(Seed("owned")));
        var uid = Json("svc", "owned")["metadata"]!["uid"]!.ToString();
        Ok(lab.Kube("get", "endpoints", "owned"));
        var slices = Ok(lab.Kube("get", "endpointslices", "-l", "kubernetes.io/service-name=owned", "-o", "json")).AsJsonObject()["items"]!.AsArray();
        var slice = Assert.Single(slices)!;
        Assert.StartsWith("owned-", slice["metadata"]!["name"]!.ToString());
        Assert.Equal(uid, slice["metadata"]!["ownerReferences"]![0]!["uid"]!.ToString());
        var sliceKey = $"/registry/endpointslices/default/{slice["metadata"]!["name"]}";
        Assert.Equal("EndpointSlice", Wire.One(Wire.One(Stored(sliceKey)[4..], 1).Bytes!, 2).Text);
        Assert.Equal("Endpoints", Wire.One(Wire.One(Stored("/registry/services/endpoints/default/owned")[4..], 1).Bytes!, 2).Text);

        Ok(lab.Kube("delete", "svc", "owned"));
        Assert.Empty(Ok(lab.Etcdctl("get", "--keys-only", "/registry/services/endpoints/default/owned")).Text.Trim());
        Assert.Empty(Ok(lab.Etcdctl("get", "--keys-only", sliceKey)).Text.Trim());
    }

    [SkippableFact]
    public void Errors_are_the_apiserver_statuses_kubectl_knows()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        var missing = lab.Kube("get", "svc", "nope");
        Assert.Contains("Error from server (NotFound): services \"nope\" not found", missing.Err);

        Ok(Run.Command(lab.InNamespace(lab.Kubectl, "--kubeconfig", lab.KubeconfigPath, "create", "-f", "-"), System.Text.Encoding.UTF8.GetBytes(Seed("twice"))));
        var again = Run.Command(lab.InNamespace(lab.Kubectl, "--kubeconfig", lab.KubeconfigPath, "create", "-f", "-"), System.Text.Encoding.UTF8.GetBytes(Seed("twice")));
        Assert.Contains("AlreadyExists", again.Err);

        var invalid = lab.Kube("patch", "svc", "twice", "-p", """{"spec":{"externalIPs":["not-an-ip"]}}""");
        Assert.Contains("spec.externalIPs[0]: Invalid value: \"not-an-ip\"", invalid.Err);

        var stale = Json("svc", "twice");
        Ok(lab.Kube("patch", "svc", "twice", "-p", """{"metadata":{"labels":{"x":"y"}}}"""));
        var conflict = Run.Command(lab.InNamespace(lab.Kubectl, "--kubeconfig", lab.KubeconfigPath, "replace", "-f", "-"), System.Text.Encoding.UTF8.GetBytes(stale.ToJsonString()));
        Assert.Contains("Conflict", conflict.Err);
        Assert.Contains("the object has been modified", conflict.Err);

        var status = lab.Curl("GET", "/api/v1/namespaces/default/services/nope");
        Assert.EndsWith("404", status.Text.Trim());
        var body = JsonNode.Parse(status.Text.Trim()[..^3])!;
        Assert.Equal("Status", body["kind"]!.ToString());
        Assert.Equal("NotFound", body["reason"]!.ToString());
        Ok(lab.Kube("delete", "svc", "twice"));
    }

    [SkippableFact]
    public void Client_certificates_not_signed_by_the_client_CA_get_401_and_anonymous_only_health()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        Assert.EndsWith("401", lab.Curl("GET", "/api/v1/services", cert: "other").Text.Trim());
        Assert.EndsWith("403", lab.Curl("GET", "/api/v1/services", cert: null).Text.Trim());
        Assert.Equal("ok\n200", lab.Curl("GET", "/readyz", cert: null).Text.Trim());
        Assert.EndsWith("200", lab.Curl("GET", "/api/v1/services").Text.Trim());
    }

    [SkippableFact]
    public void Status_subresource_alone_changes_status()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        Ok(lab.KubeApply(Seed("lb")));
        const string path = "/api/v1/namespaces/default/services/lb";
        var ingress = """{"status":{"loadBalancer":{"ingress":[{"ip":"10.77.0.12"}]}}}""";
        Assert.EndsWith("200", lab.Curl("PATCH", path + "/status", ingress, "application/merge-patch+json").Text.Trim());
        Assert.Equal("10.77.0.12", Json("svc", "lb")["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.ToString());
        // status sent to the main resource is ignored, as upstream
        lab.Curl("PATCH", path, """{"status":{"loadBalancer":{"ingress":null}}}""", "application/merge-patch+json");
        Assert.Equal("10.77.0.12", Json("svc", "lb")["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.ToString());
        // GET then PUT of the status subresource, as a load-balancer controller does
        var current = lab.Curl("GET", path + "/status").Text.Trim();
        var obj = JsonNode.Parse(current[..^3])!;
        obj["status"]!["loadBalancer"]!["ingress"]![0]!["ip"] = "10.77.0.14";
        obj["spec"]!["externalIPs"] = new JsonArray("10.77.0.15"); // ignored: only status changes here
        Assert.EndsWith("200", lab.Curl("PUT", path + "/status", obj.ToJsonString()).Text.Trim());
        Assert.Equal("10.77.0.14", Json("svc", "lb")["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.ToString());
        Assert.Null(Json("svc", "lb")["spec"]!["externalIPs"]);
        obj["status"]!["loadBalancer"]!["ingress"]![0]!["ip"] = "10.77.0.12";
        Assert.EndsWith("409", lab.Curl("PUT", path + "/status", obj.ToJsonString()).Text.Trim()); // stale resourceVersion
        Assert.EndsWith("200", lab.Curl("PATCH", path + "/status", ingress, "application/merge-patch+json").Text.Trim());
        var ingressInEtcd = Wire.One(Wire.One(Wire.One(Wire.One(Stored("/registry/services/specs/default/lb")[4..], 2).Bytes!, 3).Bytes!, 1).Bytes!, 1).Bytes!;
        Assert.Equal("10.77.0.12", Wire.One(ingressInEtcd, 1).Text);
        Ok(lab.Kube("delete", "svc", "lb"));
    }

    [SkippableFact]
    public void Nodes_apply_and_list_and_are_stored_under_minions()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        Ok(lab.KubeApply("""
            apiVersion: v1
            kind: Node
            metadata:
              name: node1
              labels:
                node-role.kubernetes.io/master: ""
            status:
              addresses:
              - type: InternalIP
                address: 10.77.0.11
              conditions:
              - type: Ready
                status: "True"
                lastHeartbeatTime: "2026-01-01T00:00:00Z"
                lastTransitionTime: "2026-01-01T00:00:00Z"
                reason: KubeletReady
                message: ready
            """));
        Assert.Matches(@"node1\s+Ready\s+master\s+\S+\s+\S*\s+10\.77\.0\.11", Ok(lab.Kube("get", "nodes", "-o", "wide")).Text);
        var addresses = Wire.One(Wire.One(Stored("/registry/minions/node1")[4..], 2).Bytes!, 3).Bytes!;
        var address = Wire.One(addresses, 5).Bytes!;
        Assert.Equal("InternalIP", Wire.One(address, 1).Text);
        Assert.Equal("10.77.0.11", Wire.One(address, 2).Text);
    }

    [SkippableFact]
    public void A_value_written_by_someone_else_is_read_and_its_unknown_fields_kept()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        Ok(lab.KubeApply(Seed("foreign")));
        const string key = "/registry/services/specs/default/foreign";
        var value = Stored(key);
        // Append field 99 (varint 5) to the Service message, as a newer apiserver might; fix up the lengths.
        var unknown = Wire.Fields(value[4..]);
        var raw = unknown.Single(f => f.Number == 2).Bytes!.Concat(new byte[] { 0x98, 0x06, 0x05 }).ToArray();
        var rebuilt = "k8s\0"u8.ToArray().Concat(Field(1, unknown[0].Bytes!)).Concat(Field(2, raw)).Concat(Field(3, [])).Concat(Field(4, [])).ToArray();
        Ok(Run.Command(lab.InNamespace("etcdctl", "--endpoints", "https://127.0.0.1:2379", "--cacert", lab.Pki("ca.crt"),
            "--cert", lab.Pki("etcdclient.crt"), "--key", lab.Pki("etcdclient.key"), "put", key), rebuilt));
        Ok(lab.Kube("get", "svc", "foreign"));
        Ok(lab.Kube("patch", "svc", "foreign", "-p", """{"spec":{"externalIPs":["10.77.0.13"]}}"""));
        var after = Wire.One(Stored(key)[4..], 2).Bytes!;
        Assert.Equal(5UL, Wire.One(after, 99).Varint);
        Assert.Equal("10.77.0.13", Wire.One(Wire.One(after, 2).Bytes!, 5).Text);
        Ok(lab.Kube("delete", "svc", "foreign"));
    }

    [SkippableFact]
    public void Keeps_serving_when_one_of_its_etcd_servers_is_unreachable()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        // As on a control-plane node whose --etcd-servers lists a member that the hijack made unreachable.
        var other = lab.StartApiServer("6444", "https://127.0.0.1:2999,https://127.0.0.1:2379");
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var r = lab.Kube("--server", "https://127.0.0.1:6444", "get", "svc", "-A");
                Assert.True(r.Code == 0, r.ToString());
            }
        }
        finally
        {
            other.Kill();
            other.WaitForExit();
        }
    }

    [SkippableFact]
    public void Refuses_an_etcd_whose_certificate_does_not_name_the_address_it_dialled()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        // etcd's certificate names IP 127.0.0.1 only; as with Go's TLS client, "localhost" does not match.
        var p = lab.StartInNamespace("kube-apiserver-6445.log", LabCluster.StandIn, "kube-apiserver", "--bind-address=127.0.0.1",
            "--secure-port=6445", $"--tls-cert-file={lab.Pki("apiserver.crt")}", $"--tls-private-key-file={lab.Pki("apiserver.key")}",
            $"--client-ca-file={lab.Pki("ca.crt")}", "--etcd-servers=https://localhost:2379", $"--etcd-cafile={lab.Pki("ca.crt")}",
            $"--etcd-certfile={lab.Pki("etcdclient.crt")}", $"--etcd-keyfile={lab.Pki("etcdclient.key")}");
        try
        {
            Run.Eventually(() => lab.Curl("GET", "/readyz", port: "6445").Text.Trim().EndsWith("500", StringComparison.Ordinal), "readyz reports etcd failed");
            Assert.Contains("Internal error", lab.Curl("GET", "/api/v1/services", port: "6445").Text);
            Assert.Contains("etcd certificate refused: RemoteCertificateNameMismatch", File.ReadAllText(Path.Combine(lab.Dir, "kube-apiserver-6445.log")));
        }
        finally
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    private static byte[] Field(int number, byte[] bytes)
    {
        var head = new List<byte> { (byte)((number << 3) | 2) };
        for (var n = (uint)bytes.Length; ; n >>= 7)
        {
            if (n < 0x80)
            {
                head.Add((byte)n);
                break;
            }
            head.Add((byte)((n & 0x7f) | 0x80));
        }
        return [.. head, .. bytes];
    }
}

internal static class ResultJson
{
    public static JsonObject AsJsonObject(this Run.Result r) => (JsonObject)JsonNode.Parse(r.Text)!;
}
