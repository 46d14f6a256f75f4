namespace Tracking.Gateway.Rules.Transport;

/// <summary>
/// Finds probable door openings in a tag's series (issue 12): a reading whose temperature departs by at least
/// <see cref="DoorOpeningSettings.TempJumpC"/> and whose humidity departs by at least
/// <see cref="DoorOpeningSettings.RhJumpPct"/> (either way: outside air may be warmer or colder, wetter or drier) from the
/// level before, the median of the up to three readings before it (one noisy reading does not move it), confirmed by the
/// next reading staying at least half the temperature jump away (a single glitch is not an opening). A slow drift (a
/// failing compressor) never jumps. Readings more than <see cref="DoorOpeningSettings.MaxStep"/> apart are not compared;
/// readings without temperature or humidity are skipped. After an opening, readings back near the level before it (within
/// the jump thresholds) are the recovery, not another opening. Pure; times in Unix ms, ascending; NaN = no value.
/// </summary>
public static class DoorOpeningDetector
{
    public static List<DoorOpening> Detect(string tag, ReadOnlySpan<long> timesMs, ReadOnlySpan<double> tempC, ReadOnlySpan<double> rhPct,
        DoorOpeningSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (timesMs.Length != tempC.Length || timesMs.Length != rhPct.Length) throw new ArgumentException("series differ in length");

        var t = new List<long>(timesMs.Length);
        var temp = new List<double>(timesMs.Length);
        var rh = new List<double>(timesMs.Length);
        for (int i = 0; i < timesMs.Length; i++)
        {
            if (double.IsFinite(tempC[i]) && double.IsFinite(rhPct[i]))
            {
                t.Add(timesMs[i]);
                temp.Add(tempC[i]);
                rh.Add(rhPct[i]);
            }
        }

        long maxStep = (long)settings.MaxStep.TotalMilliseconds;
        long maxOpen = (long)settings.MaxOpen.TotalMilliseconds;
        var openings = new List<DoorOpening>();
        int runStart = 0; // first reading of the current run without a gap
        bool open = false;
        long start = 0;
        double baseT = 0, baseRh = 0, peakT = 0, peakRh = 0;
        // The level before the last opening: the way back to it (the container recovering) is not another opening.
        double lastBaseT = double.NaN, lastBaseRh = double.NaN;

        for (int k = 0; k < t.Count; k++)
        {
            if (k > 0 && t[k] - t[k - 1] > maxStep)
            {
                // A gap: what came after it is not compared with what came before, and an opening's end went unseen.
                if (open) Add(null);
                runStart = k;
                lastBaseT = lastBaseRh = double.NaN;
            }

            if (open)
            {
                double dT = temp[k] - baseT;
                if (Math.Abs(dT) > Math.Abs(peakT))
                {
                    peakT = dT;
                    peakRh = rh[k] - baseRh;
                }
                if (Math.Abs(dT) <= Math.Abs(peakT) / 2)
                {
                    Add(t[k]);
                    runStart = k;
                }
                else if (t[k] - start > maxOpen)
                {
                    Add(null);
                    runStart = k;
                }
                continue;
            }

            if (k - runStart < 1) continue;
            (double levelT, double levelRh) = Level(temp, rh, Math.Max(runStart, k - 3), k);
            double jumpT = temp[k] - levelT, jumpRh = rh[k] - levelRh;
            if (Math.Abs(jumpT) < settings.TempJumpC || Math.Abs(jumpRh) < settings.RhJumpPct) continue;
            if (Math.Abs(temp[k] - lastBaseT) < settings.TempJumpC || Math.Abs(rh[k] - lastBaseRh) < settings.RhJumpPct) continue;
            bool confirmed = k + 1 >= t.Count || t[k + 1] - t[k] > maxStep
                || (temp[k + 1] - levelT) * Math.Sign(jumpT) >= settings.TempJumpC / 2;
            if (!confirmed) continue;
            open = true;
            start = t[k];
            (baseT, baseRh, peakT, peakRh) = (levelT, levelRh, jumpT, jumpRh);
            (lastBaseT, lastBaseRh) = (levelT, levelRh);
        }
        if (open) Add(null);
        return openings;

        void Add(long? endMs)
        {
            open = false;
            openings.Add(new DoorOpening
            {
                Tag = tag, Start = DateTimeOffset.FromUnixTimeMilliseconds(start),
                End = endMs is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null, TempDeltaC = peakT, RhDeltaPct = peakRh,
            });
        }
    }

    /// <summary>The median temperature and humidity of readings [from, to): 1 to 3 of them.</summary>
    private static (double Temp, double Rh) Level(List<double> temp, List<double> rh, int from, int to) => (Median(temp, from, to), Median(rh, from, to));

    private static double Median(List<double> v, int from, int to)
    {
        int n = to - from;
        if (n == 1) return v[from];
        if (n == 2) return (v[from] + v[from + 1]) / 2;
        double a = v[from], b = v[from + 1], c = v[from + 2];
        return Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
    }
}
