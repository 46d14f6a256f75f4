using System.Globalization;
using System.Text;
using Tracking.Gateway.Rules.Report;
using Tracking.Gateway.Rules.Transport;
using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Api.Reports;

/// <summary>
/// The trip report as one CSV table (RFC 4180, header row, CRLF): a row per fact, the column <c>record</c> saying which
/// (summary, time_outside, budget, excursion, shock, gap, leg, door_opening, alert, tag). Times ISO 8601 UTC, numbers
/// invariant. Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are prefixed with '.
/// </summary>
internal static class ReportCsv
{
    public const string Header = "record,tag,name,start,end,value,duration_s,detail";

    public static string Write(TripReport r)
    {
        var sb = new StringBuilder(4096).Append(Header).Append("\r\n");
        Row(sb, "summary", null, "fleet", detail: r.Fleet);
        Row(sb, "summary", null, "container", detail: r.Container);
        Row(sb, "summary", null, "range", r.From, r.To, duration: (r.To - r.From).TotalSeconds);
        if (r.TripId is { } trip)
        {
            Row(sb, "summary", null, "trip", value: trip);
            Row(sb, "summary", null, "trip_reference", detail: r.TripReference);
        }
        Row(sb, "summary", null, "profile", detail: r.Profile);
        Row(sb, "summary", null, "readings", value: r.Readings);
        Row(sb, "summary", null, "estimated_readings", value: r.EstimatedReadings);
        Row(sb, "summary", null, "mkt_c", value: r.MktC);
        Row(sb, "summary", null, "min_c", r.MinCAt, value: r.MinC);
        Row(sb, "summary", null, "max_c", r.MaxCAt, value: r.MaxC);
        Row(sb, "summary", null, "mean_c", value: r.MeanC);
        Row(sb, "summary", null, "min_rh", r.MinRhAt, value: r.MinRh);
        Row(sb, "summary", null, "max_rh", r.MaxRhAt, value: r.MaxRh);
        Row(sb, "summary", null, "mean_rh", value: r.MeanRh);
        Row(sb, "summary", null, "unknown_s", duration: r.UnknownS);
        Row(sb, "summary", null, "shock_count", value: r.ShockCount);
        Row(sb, "summary", null, "shock_max_g", value: r.ShockMaxG);
        Row(sb, "summary", null, "lost_readings", value: r.LostReadings);
        Row(sb, "summary", null, "thinned_readings", value: r.ThinnedReadings);
        foreach ((string band, double seconds) in r.TimeOutsideS) Row(sb, "time_outside", null, band, duration: seconds);
        foreach (ReportBudget b in r.Budgets)
        {
            Row(sb, "budget", null, b.Band, value: b.UsedFraction, duration: b.UsedS, detail: Inv($"budget_s={b.BudgetS}"));
        }
        foreach (ReportExcursion e in r.Excursions)
        {
            Row(sb, "excursion", e.Tag, e.Band, e.Start, e.End, e.Peak, e.DurationS, Inv($"unknown_s={e.UnknownS}"));
        }
        foreach (ReportShock s in r.Shocks) Row(sb, "shock", s.Tag, "g", s.Time, value: s.G);
        foreach (ReportGap g in r.Gaps)
        {
            Row(sb, "gap", g.Tag, g.Reboot ? "reboot" : "lost", g.Start, g.End, g.Missing, g.DurationS);
        }
        foreach (TransportLeg l in r.Legs)
        {
            Row(sb, "leg", l.Tag, l.Kind, l.Start, l.End, l.MinHpa, l.DurationS, Inv($"mean_hpa={l.MeanHpa}"));
        }
        foreach (DoorOpening d in r.DoorOpenings)
        {
            Row(sb, "door_opening", d.Tag, "door", d.Start, d.End, d.TempDeltaC, detail: Inv($"rh_delta_pct={d.RhDeltaPct}"));
        }
        foreach (AlertDto a in r.Alerts)
        {
            string detail = $"id={a.Id};band={a.Band};severity={a.Severity};state={a.State};acknowledged_by={a.AcknowledgedBy};"
                + $"acknowledged_at={Time(a.AcknowledgedAt)};note={a.AcknowledgeNote};message={a.Message}";
            Row(sb, "alert", null, a.Kind, a.Since, a.ResolvedAt, a.Value, detail: detail);
        }
        foreach (ReportTag t in r.Tags)
        {
            Row(sb, "tag", t.Tag, "firmware", t.FirstReading, t.LastReading, t.Readings,
                detail: Inv($"firmware={t.Firmware};lost={t.LostReadings};thinned={t.ThinnedReadings}"));
        }
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string record, string? tag, string name, DateTimeOffset? start = null, DateTimeOffset? end = null,
        double? value = null, double? duration = null, string? detail = null)
    {
        sb.Append(record).Append(',').Append(Cell(tag)).Append(',').Append(Cell(name)).Append(',').Append(Time(start)).Append(',')
            .Append(Time(end)).Append(',').Append(Number(value)).Append(',').Append(Number(duration)).Append(',').Append(Cell(detail)).Append("\r\n");
    }

    /// <summary>A text cell: quoted when it holds a comma, quote or line break; defused when a spreadsheet would evaluate it.</summary>
    internal static string Cell(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private static string Number(double? v) => v is { } d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Time(DateTimeOffset? t) =>
        t is { } x ? x.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
