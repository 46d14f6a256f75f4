using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Mkt;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Transport;

namespace Tracking.Gateway.Rules.Report;

/// <summary>
/// Computes a <see cref="TripReport"/> from a container's time series (<see cref="ContainerHistory"/>, as InfluxDB holds
/// them) and the rule store's alerts. The bands, excursions, budgets, unknown time and MKT come from the rules' own step
/// function (<see cref="Evaluator"/>) run over each tag's readings of the range in device-time order, so the report and the
/// live rules never disagree on what "outside" means. The range counts as the trip (budgets, MKT). Pure.
/// </summary>
public static class TripReportBuilder
{
    public static TripReport Build(ContainerKey container, DateTimeOffset from, DateTimeOffset to, Profile? profile, ContainerHistory history,
        IReadOnlyList<Alert> alerts, ReportOptions options, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(options);
        long fromMs = from.ToUnixTimeMilliseconds(), toMs = to.ToUnixTimeMilliseconds();

        SortedDictionary<string, List<HistoryReading>> byTag = TagSeries(history, fromMs, toMs);

        var temp = new MetricExtremes();
        var rh = new MetricExtremes();
        var mkt = default(MktSums);
        long unknownMs = 0;
        int readings = 0, estimated = 0;
        IReadOnlyList<Band> bands = profile?.Bands ?? [];
        long[] outsideMs = new long[bands.Count];
        var excursions = new List<ReportExcursion>();
        var gaps = new List<ReportGap>();
        var legs = new List<TransportLeg>();
        var doors = new List<DoorOpening>();
        var tags = new Dictionary<string, ReportTag>(StringComparer.Ordinal);
        var effects = new List<Effect>();

        foreach ((string tag, List<HistoryReading> list) in byTag)
        {
            EvalState state = Evaluator.NewState(profile);
            long lost = 0;
            HistoryReading? previous = null;
            foreach (HistoryReading r in list)
            {
                readings++;
                if (previous is { } p) lost += Gap(tag, p, r, gaps);
                previous = r;
                if (r.Estimated)
                {
                    // Not evaluated, as by the rules: its time is the gateway's guess.
                    estimated++;
                    continue;
                }
                temp.Add(r.TempC, r.TimeMs);
                rh.Add(r.RhPct, r.TimeMs);
                var sample = new Sample { TimeMs = r.TimeMs, Boot = r.Boot, Seq = r.Seq, TempC = r.TempC, RhPct = r.RhPct };
                effects.Clear();
                Evaluator.Step(state, sample, profile, effects);
                foreach (Effect e in effects)
                {
                    if (e.Kind != EffectKind.ExcursionEnded) continue;
                    excursions.Add(new ReportExcursion
                    {
                        Tag = tag, Band = bands[e.Band].Name, Start = Time(e.StartMs), End = Time(e.AtMs), Peak = e.Peak,
                        DurationS = e.DurationMs / 1000.0, UnknownS = e.UnknownMs / 1000.0,
                    });
                }
            }

            for (int i = 0; i < bands.Count && i < state.Bands.Length; i++)
            {
                BandState b = state.Bands[i];
                long ongoing = 0;
                if (b.Outside)
                {
                    // Still outside at the range's last reading: counted up to it, as the cumulative rule counts it.
                    ongoing = b.LastMs - b.StartMs;
                    excursions.Add(new ReportExcursion
                    {
                        Tag = tag, Band = bands[i].Name, Start = Time(b.StartMs), End = null, Peak = b.Peak,
                        DurationS = ongoing / 1000.0, UnknownS = b.UnknownMs / 1000.0,
                    });
                }
                outsideMs[i] += b.CumulativeMs + ongoing;
            }
            mkt.Weight += state.Trip.Weight;
            mkt.WeightedFactor += state.Trip.WeightedFactor;
            unknownMs += state.UnknownMs;

            Series(list, out long[] times, out double[] temps, out double[] rhs, out double[] hpa);
            legs.AddRange(AirLegDetector.Detect(tag, times, hpa, options.AirLeg));
            doors.AddRange(DoorOpeningDetector.Detect(tag, times, temps, rhs, options.DoorOpening));
            tags[tag] = new ReportTag
            {
                Tag = tag, Readings = list.Count, FirstReading = Time(list[0].TimeMs), LastReading = Time(list[^1].TimeMs), LostReadings = lost,
            };
        }

        long thinnedTotal = Statuses(history, fromMs, toMs, tags);
        (List<ReportShock> shocks, double? maxG) = Shocks(history, fromMs, toMs, profile);
        excursions.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Band, b.Band));

        var timeOutside = new Dictionary<string, double>(StringComparer.Ordinal);
        var budgets = new List<ReportBudget>();
        for (int i = 0; i < bands.Count; i++)
        {
            timeOutside[bands[i].Name] = outsideMs[i] / 1000.0;
            if (bands[i].Cumulative is { } budget)
            {
                budgets.Add(new ReportBudget
                {
                    Band = bands[i].Name, BudgetS = budget.TotalSeconds, UsedS = outsideMs[i] / 1000.0,
                    UsedFraction = budget > TimeSpan.Zero ? outsideMs[i] / budget.TotalMilliseconds : (outsideMs[i] > 0 ? 1 : 0),
                });
            }
        }

        return new TripReport
        {
            Fleet = container.Fleet, Container = container.Container, From = from.ToUniversalTime(), To = to.ToUniversalTime(), Profile = profile?.Name,
            GeneratedAt = generatedAt.ToUniversalTime(), Readings = readings, EstimatedReadings = estimated,
            MktC = Finite(mkt.Celsius),
            MinC = temp.Min, MinCAt = temp.MinAt, MaxC = temp.Max, MaxCAt = temp.MaxAt, MeanC = temp.Mean,
            MinRh = rh.Min, MinRhAt = rh.MinAt, MaxRh = rh.Max, MaxRhAt = rh.MaxAt, MeanRh = rh.Mean,
            UnknownS = unknownMs / 1000.0, TimeOutsideS = timeOutside, Budgets = budgets, Excursions = excursions,
            ShockCount = shocks.Count, ShockMaxG = maxG, Shocks = shocks,
            LostReadings = tags.Values.Sum(t => t.LostReadings), ThinnedReadings = thinnedTotal, Gaps = gaps,
            Legs = [.. legs.OrderBy(l => l.Start)], DoorOpenings = [.. doors.OrderBy(d => d.Start)],
            Alerts = [.. alerts.Where(a => a.Container == container && a.Since < to && (a.ResolvedAt ?? DateTimeOffset.MaxValue) >= from)
                .OrderBy(a => a.Since).ThenBy(a => a.Id).Select(AlertDto.From)],
            Tags = [.. tags.Values.OrderBy(t => t.Tag, StringComparer.Ordinal)],
        };
    }

    /// <summary>Records the gap between two successive readings of a tag, if any; returns the readings it lost.</summary>
    private static long Gap(string tag, HistoryReading a, HistoryReading b, List<ReportGap> gaps)
    {
        if (a.Boot == b.Boot && b.Seq == a.Seq + 1) return 0;
        bool reboot = a.Boot != b.Boot;
        // Within a boot, the seq numbers skipped (docs/protocol.md section 8); across a reboot, unknown. A seq going
        // backwards in one boot (a reset counter, bad data) is a gap of unknown loss too.
        long? missing = !reboot && b.Seq > a.Seq ? (long)b.Seq - a.Seq - 1 : null;
        gaps.Add(new ReportGap
        {
            Tag = tag, Start = Time(a.TimeMs), End = Time(b.TimeMs), DurationS = (b.TimeMs - a.TimeMs) / 1000.0, Missing = missing, Reboot = reboot,
        });
        return missing ?? 0;
    }

    /// <summary>
    /// Each tag's readings of [from, to) in the rules' order (device time, then boot and seq), a duplicate (same boot and
    /// seq) once; tags in ordinal order. What the report and the legs of the pressure chart read.
    /// </summary>
    public static SortedDictionary<string, List<HistoryReading>> TagSeries(ContainerHistory history, long fromMs, long toMs)
    {
        ArgumentNullException.ThrowIfNull(history);
        var byTag = new SortedDictionary<string, List<HistoryReading>>(StringComparer.Ordinal);
        foreach (HistoryReading r in history.Readings)
        {
            if (r.TimeMs < fromMs || r.TimeMs >= toMs) continue;
            if (!byTag.TryGetValue(r.Tag, out List<HistoryReading>? list)) byTag[r.Tag] = list = [];
            list.Add(r);
        }
        foreach (List<HistoryReading> list in byTag.Values)
        {
            list.Sort(static (a, b) => a.TimeMs != b.TimeMs ? a.TimeMs.CompareTo(b.TimeMs)
                : a.Boot != b.Boot ? a.Boot.CompareTo(b.Boot) : a.Seq.CompareTo(b.Seq));
            var seen = new HashSet<ulong>();
            list.RemoveAll(r => !seen.Add(((ulong)r.Boot << 32) | r.Seq));
        }
        return byTag;
    }

    /// <summary>The air legs of [from, to), oldest first, exactly as <see cref="Build"/> reports them (estimated times left out).</summary>
    public static List<TransportLeg> AirLegs(ContainerHistory history, long fromMs, long toMs, AirLegSettings settings)
    {
        var legs = new List<TransportLeg>();
        foreach ((string tag, List<HistoryReading> list) in TagSeries(history, fromMs, toMs))
        {
            Series(list, out long[] times, out _, out _, out double[] hpa);
            legs.AddRange(AirLegDetector.Detect(tag, times, hpa, settings));
        }
        return [.. legs.OrderBy(l => l.Start)];
    }

    private static void Series(List<HistoryReading> list, out long[] times, out double[] temps, out double[] rhs, out double[] hpa)
    {
        int n = list.Count(r => !r.Estimated);
        times = new long[n];
        temps = new double[n];
        rhs = new double[n];
        hpa = new double[n];
        int i = 0;
        foreach (HistoryReading r in list)
        {
            if (r.Estimated) continue;
            (times[i], temps[i], rhs[i], hpa[i]) = (r.TimeMs, r.TempC, r.RhPct, r.PressureHpa);
            i++;
        }
    }

    /// <summary>Each tag's firmware (its last status in the range) and thinning in the range; returns the total thinned.</summary>
    private static long Statuses(ContainerHistory history, long fromMs, long toMs, Dictionary<string, ReportTag> tags)
    {
        long total = 0;
        foreach (IGrouping<string, HistoryStatus> group in history.Statuses.Where(s => s.TimeMs >= fromMs && s.TimeMs < toMs)
            .GroupBy(s => s.Tag, StringComparer.Ordinal))
        {
            HistoryStatus[] statuses = [.. group.OrderBy(s => s.TimeMs)];
            string? firmware = statuses.LastOrDefault(s => s.Firmware is not null).Firmware;
            // `thinned` counts since the tag was first started: the range's share is its rise. A drop (a tag replaced
            // under the same id, a wiped counter) restarts the count from the lower value.
            long thinned = 0;
            long? last = history.ThinnedBefore.TryGetValue(group.Key, out long before) ? before : null;
            foreach (HistoryStatus s in statuses)
            {
                if (s.Thinned is not { } now) continue;
                if (last is { } l && now > l) thinned += now - l;
                last = now;
            }
            total += thinned;
            tags[group.Key] = tags.TryGetValue(group.Key, out ReportTag? tag)
                ? tag with { Firmware = firmware, ThinnedReadings = thinned }
                : new ReportTag { Tag = group.Key, Firmware = firmware, ThinnedReadings = thinned };
        }
        return total;
    }

    /// <summary>Shocks at or above the profile's threshold (all without one), each (tag, boot, seq) once, oldest first.</summary>
    private static (List<ReportShock> Shocks, double? MaxG) Shocks(ContainerHistory history, long fromMs, long toMs, Profile? profile)
    {
        var seen = new HashSet<(string, uint, uint)>();
        var shocks = new List<ReportShock>();
        double? max = null;
        foreach (HistoryShock s in history.Shocks.OrderBy(s => s.TimeMs))
        {
            if (s.TimeMs < fromMs || s.TimeMs >= toMs || !double.IsFinite(s.G)) continue;
            if (profile?.ShockG is { } threshold && s.G < threshold) continue;
            if (!seen.Add((s.Tag, s.Boot, s.Seq))) continue;
            shocks.Add(new ReportShock { Tag = s.Tag, Time = Time(s.TimeMs), G = s.G });
            max = max is { } m ? Math.Max(m, s.G) : s.G;
        }
        return (shocks, max);
    }

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
