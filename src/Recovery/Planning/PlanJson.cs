using System.Text.Json;
using Recovery.Inventory;

namespace Recovery.Planning;

/// <summary>
/// `plan --format json` and `recover --plan FILE`. Writing is plain serialization; reading parses, then validates
/// every step against the inventory and the shapes of command the Planner produces (<see cref="PlanValidator"/>),
/// so a plan file edited by hand or by an attacker is refused before any node is touched.
/// </summary>
internal static class PlanJson
{
    // Plan files are read by people: keep ', `, <, > and & as they are (the default encoder escapes them for HTML).
    private static readonly PlanJsonContext Context = new(new JsonSerializerOptions(PlanJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = null,
    });

    public static string Write(Plan plan) => JsonSerializer.Serialize(plan, Context.Plan) + "\n";

    /// <exception cref="InvalidPlanException">the text is not a valid plan for this inventory.</exception>
    public static Plan Read(string json, ClusterInventory inventory)
    {
        RefuseOtherVersion(json);
        Plan? plan;
        try
        {
            plan = JsonSerializer.Deserialize(json, Context.Plan);
        }
        catch (JsonException e)
        {
            var where = e.Path is null ? "" : $" at {e.Path}";
            throw new InvalidPlanException($"not a valid kube-recover plan{where}: {Inner(e).Message}", e);
        }
        catch (NotSupportedException e)
        {
            // A command without its "type" (System.Text.Json cannot pick the record).
            throw new InvalidPlanException($"not a valid kube-recover plan: {FirstLine(e.Message)} (each command names its \"type\")", e);
        }
        catch (ArgumentException e)
        {
            // ShellCommand refuses unsafe words (control characters) with ArgumentException.
            throw new InvalidPlanException($"not a valid kube-recover plan: {e.Message}", e);
        }
        if (plan is null) throw new InvalidPlanException("not a valid kube-recover plan: the file holds null");
        PlanValidator.Validate(plan, inventory);
        return plan;
    }

    /// <summary>A plan written by another version of kube-recover is named as such, not as a parse error deep inside it.</summary>
    private static void RefuseOtherVersion(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("apiVersion", out var version)
                && version.ValueKind == JsonValueKind.String
                && version.GetString() != Plan.CurrentApiVersion)
            {
                throw new InvalidPlanException($"invalid plan: apiVersion is '{version.GetString()}': expected '{Plan.CurrentApiVersion}' (make the plan again with this kube-recover: kube-recover plan -o FILE)");
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the full read below says where.
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0];

    private static Exception Inner(Exception e) => e.InnerException is ArgumentException or FormatException ? e.InnerException : e;
}
