using Lab.StandIns;

// One executable for the lab's stand-ins. The lab copies it to kube-apiserver, kube-proxy, kubelet and k3s
// so /proc/PID/comm and `ps` show the real component's name; it dispatches on its own file name, or on the
// first argument when run as `lab-standin <component> ...`.
var self = Path.GetFileName(Environment.ProcessPath ?? "lab-standin");
var args0 = args.ToList();
var component = self;
if (component is not ("kube-apiserver" or "kube-proxy" or "kubelet" or "k3s"))
{
    if (args0.Count == 0)
    {
        Console.Error.WriteLine("usage: lab-standin kube-apiserver|kube-proxy|kubelet [flags...] (or run a copy named after the component)");
        return 2;
    }
    component = args0[0];
    args0.RemoveAt(0);
}

using var stop = new CancellationTokenSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });

try
{
    return component switch
    {
        "kube-apiserver" => await Lab.StandIns.Http.ApiServer.RunAsync(new Flags(args0), stop.Token),
        "kube-proxy" => await Lab.StandIns.Proxy.KubeProxy.RunAsync(new Flags(args0), stop.Token),
        "kubelet" => await Lab.StandIns.Kubelet.Kubelet.RunAsync(new Flags(args0), stop.Token),
        "k3s" => await Lab.StandIns.K3s.K3s.RunAsync(args0, stop.Token),
        _ => Usage(component),
    };
}
catch (StartupException e)
{
    Console.Error.WriteLine($"{component}: {e.Message}");
    return 1;
}

static int Usage(string component)
{
    Console.Error.WriteLine($"lab-standin: unknown component '{component}'; expected kube-apiserver, kube-proxy, kubelet or k3s");
    return 2;
}
