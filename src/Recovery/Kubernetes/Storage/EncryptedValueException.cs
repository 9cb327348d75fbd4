namespace Recovery.Kubernetes.Storage;

/// <summary>
/// The value is encrypted at rest by kube-apiserver (<c>k8s:enc:</c>). kube-recover never decrypts or edits it:
/// the Service has to be fixed through the API server, or by hand with the encryption key.
/// </summary>
internal sealed class EncryptedValueException : StorageFormatException
{
    public EncryptedValueException(string provider)
        : base($"the value is encrypted at rest by kube-apiserver (provider '{provider}'); kube-recover does not read or edit encrypted values: fix the Service through the API server instead")
    {
        Provider = provider;
    }

    public string Provider { get; }
}
