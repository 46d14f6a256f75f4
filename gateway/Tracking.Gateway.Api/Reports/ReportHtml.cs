using System.Globalization;
using System.Net;
using System.Text;
using Tracking.Gateway.Rules.Report;
using Tracking.Gateway.Rules.Transport;

namespace Tracking.Gateway.Api.Reports;

/// <summary>
/// The trip report as a printable, self-contained HTML page: inline CSS only, no script, no image, no link to load.
/// Every value from the data (ids, band names, firmware, alert messages and notes) goes through WebUtility.HtmlEncode.
/// </summary>
internal static class ReportHtml
{
    private const string Style = """
        body{font:13px/1.4 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:20px}h2{font-size:15px;margin-top:1.6em;border-bottom:1px solid #999}
        table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}th{background:#eee}
        td.n{text-align:right}.none{color:#666}@media print{body{margin:0}h2{page-break-after:avoid}table{page-break-inside:auto}}
        """;

    public static string Write(TripReport r)
    {
        var sb = new StringBuilder(8192);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Trip report ")
            .Append(E(r.Fleet)).Append(" / ").Append(E(r.Container)).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        sb.Append("<h1>Trip report: ").Append(E(r.Container)).Append(" (fleet ").Append(E(r.Fleet)).Append(")</h1>\n");

        Table(sb, "Summary", ["", ""],
        [
            ["Trip", r.TripId is { } trip ? $"{N(trip)}{(r.TripReference is { } reference ? " (" + E(reference) + ")" : "")}" : "none (a time range)"],
            ["From", T(r.From)], ["To", T(r.To)], ["Profile", E(r.Profile ?? "none")],
            ["Readings", N(r.Readings)], ["Estimated readings (not evaluated)", N(r.EstimatedReadings)],
            ["MKT (degC)", N(r.MktC)],
            ["Temperature min / max / mean (degC)", $"{N(r.MinC)} at {T(r.MinCAt)} / {N(r.MaxC)} at {T(r.MaxCAt)} / {N(r.MeanC)}"],
            ["Humidity min / max / mean (%RH)", $"{N(r.MinRh)} at {T(r.MinRhAt)} / {N(r.MaxRh)} at {T(r.MaxRhAt)} / {N(r.MeanRh)}"],
            ["Unknown time (s)", N(r.UnknownS)], ["Lost readings / thinned", $"{N(r.LostReadings)} / {N(r.ThinnedReadings)}"],
            ["Shocks (count, max g)", $"{N(r.ShockCount)}, {N(r.ShockMaxG)}"], ["Generated", T(r.GeneratedAt)],
        ]);
        Table(sb, "Time outside per band", ["Band", "Time outside (s)"], r.TimeOutsideS.Select(x => new[] { E(x.Key), N(x.Value) }));
        Table(sb, "Cumulative budgets", ["Band", "Budget (s)", "Used (s)", "Used"], r.Budgets.Select(b => new[]
        {
            E(b.Band), N(b.BudgetS), N(b.UsedS), E(b.UsedFraction.ToString("P1", CultureInfo.InvariantCulture)),
        }));
        Table(sb, "Excursions", ["Tag", "Band", "Start", "End", "Peak", "Duration (s)", "Unknown (s)"], r.Excursions.Select(e => new[]
        {
            E(e.Tag), E(e.Band), T(e.Start), e.End is null ? "ongoing" : T(e.End), N(e.Peak), N(e.DurationS), N(e.UnknownS),
        }));
        Table(sb, "Shocks", ["Tag", "Time", "g"], r.Shocks.Select(s => new[] { E(s.Tag), T(s.Time), N(s.G) }));
        Table(sb, "Gaps", ["Tag", "Start", "End", "Duration (s)", "Missing readings", "Reboot"], r.Gaps.Select(g => new[]
        {
            E(g.Tag), T(g.Start), T(g.End), N(g.DurationS), g.Missing is { } m ? N(m) : "unknown", g.Reboot ? "yes" : "no",
        }));
        Table(sb, "Transport legs", ["Tag", "Kind", "Start", "End", "Duration (s)", "Min hPa", "Mean hPa"], r.Legs.Select((TransportLeg l) => new[]
        {
            E(l.Tag), E(l.Kind), T(l.Start), T(l.End), N(l.DurationS), N(l.MinHpa), N(l.MeanHpa),
        }));
        Table(sb, "Probable door openings", ["Tag", "Start", "End", "Temperature jump (degC)", "Humidity jump (%RH)"], r.DoorOpenings.Select((DoorOpening d) => new[]
        {
            E(d.Tag), T(d.Start), d.End is null ? "not seen" : T(d.End), N(d.TempDeltaC), N(d.RhDeltaPct),
        }));
        Table(sb, "Alerts", ["Id", "Kind", "Band", "Severity", "State", "Since", "Acknowledged", "Note", "Resolved", "Message"], r.Alerts.Select(a => new[]
        {
            N(a.Id), E(a.Kind), E(a.Band ?? ""), E(a.Severity), E(a.State), T(a.Since),
            a.AcknowledgedBy is null ? "" : $"{E(a.AcknowledgedBy)} at {T(a.AcknowledgedAt)}", E(a.AcknowledgeNote ?? ""), T(a.ResolvedAt), E(a.Message),
        }));
        Table(sb, "Tags", ["Tag", "Firmware", "Readings", "First", "Last", "Lost", "Thinned"], r.Tags.Select(t => new[]
        {
            E(t.Tag), E(t.Firmware ?? "unknown"), N(t.Readings), T(t.FirstReading), T(t.LastReading), N(t.LostReadings), N(t.ThinnedReadings),
        }));
        return sb.Append("</body></html>\n").ToString();
    }

    /// <summary>A section; its cells are already encoded.</summary>
    private static void Table(StringBuilder sb, string title, string[] headers, IEnumerable<string[]> rows)
    {
        sb.Append("<h2>").Append(E(title)).Append("</h2>\n");
        string[][] all = [.. rows];
        if (all.Length == 0)
        {
            sb.Append("<p class=\"none\">none</p>\n");
            return;
        }
        sb.Append("<table>");
        if (headers.Any(h => h.Length > 0))
        {
            sb.Append("<tr>");
            foreach (string h in headers) sb.Append("<th>").Append(E(h)).Append("</th>");
            sb.Append("</tr>");
        }
        foreach (string[] row in all)
        {
            sb.Append("<tr>");
            foreach (string cell in row) sb.Append("<td>").Append(cell).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</table>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(double? v) => v is { } d && double.IsFinite(d) ? d.ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private static string T(DateTimeOffset? t) =>
        t is { } x ? x.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";
}
