namespace Recovery.Planning.Summary;

/// <summary>The plan as text: the one-screen summary, then, when asked for, every step with its exact commands.</summary>
internal static class PlanText
{
    public static string Of(Plan plan, bool detail) =>
        detail && !plan.IsEmpty ? $"{PlanSummary.Render(plan)}\n{TextPlanRenderer.Render(plan)}" : PlanSummary.Render(plan);
}
