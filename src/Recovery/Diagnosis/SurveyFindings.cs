using Recovery.Facts;

namespace Recovery.Diagnosis;

/// <summary>Findings from a survey's facts; here, not on Survey, because Facts (I/O) sits below Diagnosis (pure).</summary>
internal static class SurveyFindings
{
    public static Findings Diagnose(this Survey survey)
    {
        var findings = Diagnoser.Diagnose(survey.Inventory, survey.Facts, survey.Claims.Claims, survey.Local.Node?.Name);
        return survey.Claims.Answered ? findings : findings with
        {
            Notices = [.. findings.Notices, new Notice(NoticeKind.ClaimsUnknown, null,
                $"no API server or etcd answered, so the Services claiming these addresses are unknown ({string.Join("; ", survey.Claims.Failures)})")],
        };
    }

    public static DiagnosisReport Report(this Survey survey) => new(survey.Inventory, survey.Answered, survey.Diagnose());
}
