using System.CommandLine;
using Recovery.Logging;

namespace Recovery.Cli.Commands;

/// <summary>`--kubeconfig FILE` of the API-only verbs (audit, guard); absent: kubectl's own default.</summary>
internal static class KubeconfigOption
{
    public static Option<FileInfo?> Create()
    {
        var option = new Option<FileInfo?>("--kubeconfig") { Description = "kubeconfig for kubectl (default: kubectl's own, ~/.kube/config or $KUBECONFIG)", HelpName = "FILE" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<FileInfo?>() is { } f && !f.Exists) r.AddError($"--kubeconfig: file '{SafeText.Of(f.FullName)}' does not exist; expected a readable kubeconfig");
        });
        return option;
    }
}
