using TagSimulator.Manifest;

namespace Tracking.Testing.EndToEnd;

/// <summary>The alerts a profile's rules call for, computed from a simulator manifest alone (no gateway code).</summary>
public static class ExpectedAlerts
{
    /// <summary>
    /// Per band, an excursion starts at the first reading at or beyond the limit (inclusive) and ends at the first reading
    /// back inside by the hysteresis; its alarm fires at the first reading of it at least the delay after its start, since
    /// that start, open while the excursion lasts, resolved after. Each shock event at or over the profile's g: one open
    /// alert since its time. <c>t_est</c> readings are not judged (Rules README: their true time is unknown).
    /// <para>
    /// a0-timed readings (sent before the tag's clock was synced) are judged, as the gateway judges them, at the time it
    /// derived for them, <c>arrival - a0 + offset</c> (docs/protocol.md 7.1; Rules README "time = ... or arrival - a0 +
    /// offset"): <paramref name="a0Times"/> gives it per (tag, boot, seq), as InfluxDB stores it in <c>a0_time</c>
    /// (<see cref="StoredReadings.A0TimesAsync"/>). The manifest alone cannot say where: arrival is the gateway's clock.
    /// This reference used to skip them, which is wrong whenever they land inside an excursion: a paced run (the chaos
    /// suite: 24 h of device time in 70 s of real time, ending about now) puts them in the voyage's last minutes, since
    /// arrival is real time while a0 is a simulated age, and in the 24 h run of docs/reliability.md those (at 5 C)
    /// landed between a final door opening's readings above 15 C and ended its excursions there (four resolved upper_15
    /// alerts 5 min apart in the gateway, where the reference expected one). A manifest with a0 readings and no times
    /// for them is refused rather than judged wrongly.
    /// </para>
    /// </summary>
    public static List<AlertFact> From(FleetManifest manifest, ProfileRules rules, IReadOnlyDictionary<(string Tag, long Boot, long Seq), long>? a0Times = null)
    {
        var expected = new List<AlertFact>();
        foreach (TagManifest tag in manifest.Tags)
        {
            long TimeOf(ManifestReading r) => r.TimeMs ?? (a0Times is not null && a0Times.TryGetValue((tag.Tag, r.Boot, r.Seq), out long derived)
                ? derived
                : throw new ArgumentException(
                    $"{tag.Tag} boot {r.Boot} seq {r.Seq} was sent with a0: the time the gateway derived for it is needed", nameof(a0Times)));
            (ManifestReading Reading, long TimeMs)[] readings = [.. tag.Readings.Where(r => !r.Estimated).Select(r => (Reading: r, TimeMs: TimeOf(r)))
                .OrderBy(x => x.TimeMs).ThenBy(x => x.Reading.Boot).ThenBy(x => x.Reading.Seq)];
            foreach (BandRule band in rules.Bands)
            {
                bool outside = false, alarmed = false;
                long startMs = 0;
                int raised = -1;
                foreach ((ManifestReading r, long t) in readings)
                {
                    double? v = band.Metric == "temp_c" ? r.TempC : r.HumidityPct;
                    if (v is not { } value) continue;
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
