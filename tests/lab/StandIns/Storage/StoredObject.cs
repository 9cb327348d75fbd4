using System.Text.Json.Nodes;

namespace Lab.StandIns.Storage;

/// <summary>An object as read from etcd: its JSON form (with resourceVersion filled in) and the key's mod revision.</summary>
internal sealed record StoredObject(JsonObject Object, long ModRevision);

/// <summary>Why a storage write did not happen; the HTTP layer maps each to a metav1.Status.</summary>
internal enum WriteOutcome
{
    Done,
    AlreadyExists,
    Conflict,
    NotFound,
}
