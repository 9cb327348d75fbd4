using System.Security.Cryptography.X509Certificates;

namespace Lab.StandIns;

/// <summary>PEM files as the Kubernetes components take them.</summary>
internal static class Pem
{
    /// <summary>A CA bundle: every certificate in the file.</summary>
    public static X509Certificate2Collection Bundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(path);
        if (bundle.Count == 0)
            throw new StartupException($"{path}: no PEM certificate found");
        return bundle;
    }
}
