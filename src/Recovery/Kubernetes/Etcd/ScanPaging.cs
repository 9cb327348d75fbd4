namespace Recovery.Kubernetes.Etcd;

/// <summary>Page sizes of a Service scan: keys per keys-only page, values per batch (bounded gRPC responses).</summary>
internal sealed record ScanPaging(int KeysPerPage = 2000, int ValuesPerBatch = 500);
