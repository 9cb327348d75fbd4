using Recovery.Facts.Parsing;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>systemctl, docker, crictl, ps and kube-proxy config parsers against real outputs (Fixtures/README.md says where each comes from).</summary>
public sealed class ToolOutputParserTests
{
    [Fact]
    public void Systemctl_show_reads_restart_main_pid_and_exec_start_argv()
    {
        var unit = Assert.Single(SystemdUnitShow.Parse(Fixture.Read("systemd/systemctl-show-systemd-logind.txt")));

        Assert.Equal("always", unit.Restart);
        Assert.Null(unit.MainPid); // MainPID=0: not running
        Assert.Equal(["/usr/lib/systemd/systemd-logind"], unit.ExecStart);
    }

    [Fact]
    public void Systemctl_show_splits_units_on_blank_lines_and_keeps_not_found_ones()
    {
        // Written in the format of the real capture above (no systemd can run here): two units, one not found.
        const string output = "Id=kube-proxy.service\nLoadState=loaded\nActiveState=active\nSubState=running\nMainPID=812\n"
            + "ExecStart={ path=/opt/kube/bin/kube-proxy ; argv[]=/opt/kube/bin/kube-proxy --config=/var/lib/kube-proxy/kube-proxy-config.yaml ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=812 ; code=(null) ; status=0/0 }\n"
            + "\nId=k3s.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nMainPID=0\n";

        var units = SystemdUnitShow.Parse(output);

        Assert.Equal(2, units.Count);
        Assert.True(units[0].Exists && units[0].IsActive);
        Assert.Equal(812, units[0].MainPid);
        Assert.Equal(["/opt/kube/bin/kube-proxy", "--config=/var/lib/kube-proxy/kube-proxy-config.yaml"], units[0].ExecStart);
        Assert.False(units[1].Exists);
    }

    [Fact]
    public void Systemctl_without_systemd_prints_nothing_to_parse()
    {
        Assert.Empty(SystemdUnitShow.Parse(Fixture.Read("systemd/systemctl-show-no-systemd.stdout")));
    }

    [Fact]
    public void Docker_ps_finds_the_kube_proxy_container_and_its_pod_sandbox()
    {
        var rows = ContainerTable.ParseDocker(Fixture.Read("docker/docker-ps-kubeadm.txt"));

        Assert.Equal(10, rows.Count);
        Assert.Equal(("5f684df675c7", "k8s_kube-proxy_kube-proxy-rff9n_kube-system_746a04e5-3ae6-46eb-a770-7048ec788282_0"), (rows[0].Id, rows[0].Name));
        Assert.Equal("k8s_POD_kube-proxy-rff9n_kube-system_746a04e5-3ae6-46eb-a770-7048ec788282_0", rows[1].Name);
        Assert.Equal("Up 3 minutes", rows[0].State);
    }

    [Fact]
    public void Crictl_ps_reads_names_and_states_by_header()
    {
        var rows = ContainerTable.ParseCrictl(Fixture.Read("crictl/crictl-ps.txt"));

        Assert.Equal(["vms", "virtlet", "libvirt", "kube-proxy"], rows.Select(r => r.Name));
        Assert.Equal(new ContainerRow("f60944900ceb3", "kube-proxy", "Running"), rows[3]);
    }

    [Fact]
    public void Process_table_finds_kube_proxy_and_kubelet_with_their_flags()
    {
        var rows = ProcessTable.Parse(Fixture.Read("scenarios/ps-kubeadm-docker.txt"));

        var proxy = ProcessTable.FindKubeProxy(rows);
        Assert.NotNull(proxy);
        Assert.Equal(2, proxy.Pid);
        Assert.Equal("/var/lib/kube-proxy/config.conf", KubeProxyModeSources.Flag(proxy.Argv, "config"));
        Assert.Equal(3, ProcessTable.FindKubelet(rows)?.Pid);
        Assert.Null(ProcessTable.FindK3s(rows));
    }

    [Theory]
    [InlineData("kube-proxy/kubespray-config.conf", "ipvs")]
    [InlineData("kube-proxy/kthw-kube-proxy-config.yaml", "iptables")]
    public void Config_mode_is_read_from_real_configs(string file, string mode)
    {
        Assert.Equal(mode, KubeProxyModeSources.ParseConfigMode(Fixture.Read(file)));
    }

    [Theory]
    [InlineData("kind: KubeProxyConfiguration\nmode: \"\"\n", "iptables")]
    [InlineData("kind: KubeProxyConfiguration\nclusterCIDR: 10.0.0.0/8\n", "iptables")]
    [InlineData("kind: KubeletConfiguration\nmode: ipvs\n", null)]
    [InlineData("mode: [unclosed\n", null)]
    public void Config_mode_defaults_and_refusals(string yaml, string? mode)
    {
        Assert.Equal(mode, KubeProxyModeSources.ParseConfigMode(yaml));
    }

    [Theory]
    [InlineData("ipvs", "ipvs")]
    [InlineData("iptables\n", "iptables")]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: 4\r\n\r\nipvs", "ipvs")]
    [InlineData("HTTP/1.0 404 Not Found\r\n\r\n404 page not found\n", null)]
    [InlineData("", null)]
    public void Proxy_mode_answers(string response, string? mode)
    {
        Assert.Equal(mode, KubeProxyModeSources.ParseProxyModeResponse(response));
    }

    [Theory]
    [InlineData(new[] { "/usr/local/bin/kube-proxy", "--proxy-mode=ipvs" }, "ipvs")]
    [InlineData(new[] { "kube-proxy", "--proxy-mode", "iptables", "--v=2" }, "iptables")]
    [InlineData(new[] { "kube-proxy", "--config=/etc/kp.yaml" }, null)]
    public void Proxy_mode_flag(string[] argv, string? mode)
    {
        Assert.Equal(mode, KubeProxyModeSources.Flag(argv, "proxy-mode"));
    }
}
