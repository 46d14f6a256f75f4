using TagSimulator.Manifest;

namespace Tracking.Testing.EndToEnd;

/// <summary>The alerts a profile's rules call for, computed from a simulator manifest alone (no gateway code).</summary>
public static class ExpectedAlerts
{
    /// <summary>
    /// Per band, an excursion starts at the first reading at or beyond the limit (inclusive) and ends at the first reading
    /// back inside by the hysteresis; its alarm fires at the first reading of it at least the delay after its start, since
    /// that start, open while the excursion lasts, resolved after. Each shock event at or over the profile's g: one open
    /// alert since its time. Readings without a device time of their own (a0, t_est) are not judged (Rules README).
    /// </summary>
    public static List<AlertFact> From(FleetManifest manifest, ProfileRules rules)
    {
        var expected = new List<AlertFact>();
        foreach (TagManifest tag in manifest.Tags)
        {
            ManifestReading[] readings = [.. tag.Readings.Where(r => r.TimeMs is not null && !r.Estimated).OrderBy(r => r.TimeMs).ThenBy(r => r.Boot).ThenBy(r => r.Seq)];
            foreach (BandRule band in rules.Bands)
            {
                bool outside = false, alarmed = false;
                long startMs = 0;
                int raised = -1;
                foreach (ManifestReading r in readings)
                {
                    double? v = band.Metric == "temp_c" ? r.TempC : r.HumidityPct;
                    if (v is not { } value) continue;
                    long t = r.TimeMs!.Value;
                    bool beyond = band.Kind == "upper" ? value >= band.Limit : value <= band.Limit;
                    if (outside)
                    {
                        bool backInside = band.Kind == "upper"
                            ? value < band.Limit && value <= band.Limit - band.Hysteresis
                            : value > band.Limit && value >= band.Limit + band.Hysteresis;
                        if (backInside)
                        {
                            outside = false;
                            if (raised >= 0) expected[raised] = expected[raised] with { State = "resolved" };
                            raised = -1;
                        }
                    }
                    if (!outside && beyond)
                    {
                        (outside, alarmed, startMs) = (true, false, t);
                    }
                    if (outside && !alarmed && t - startMs >= band.DelayMs)
                    {
                        alarmed = true;
                        string kind = (band.Metric == "temp_c" ? "temp_" : "rh_") + (band.Kind == "upper" ? "high" : "low");
                        expected.Add(new AlertFact(tag.Container, kind, band.Name, startMs, "open"));
                        raised = expected.Count - 1;
                    }
                }
            }
            foreach (ManifestEvent e in tag.Events.Where(e => e.Kind == "shock" && e.Value >= rules.ShockG && e.TimeMs is not null))
            {
                expected.Add(new AlertFact(tag.Container, "shock", null, e.TimeMs!.Value, "open"));
            }
        }
        return expected;
    }
}
