namespace Lab.StandIns.Storage;

/// <summary>A JSON value does not fit the Kubernetes type: the API answers 400 BadRequest with this message.</summary>
internal sealed class SchemaException(string message) : Exception(message);
