namespace Tracking.Gateway.Rules.Transport;

/// <summary>
/// Finds air legs in a tag's pressure series (issue 12, "Transport legs"): a stretch of at least
/// <see cref="AirLegSettings.MinDuration"/> whose pressure, median-filtered over three readings (a single noisy reading
/// neither starts nor breaks a leg), stays in the cabin band. Readings out of the band for at most
/// <see cref="AirLegSettings.MaxDip"/> do not end it; no pressure for longer than <see cref="AirLegSettings.MaxGap"/>
/// (a missing value or missing readings) does. Pure; times in Unix ms, ascending; NaN = no pressure.
/// </summary>
public static class AirLegDetector
{
    public static List<TransportLeg> Detect(string tag, ReadOnlySpan<long> timesMs, ReadOnlySpan<double> hpa, AirLegSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (timesMs.Length != hpa.Length) throw new ArgumentException("times and pressures differ in length");

        // The readings with a pressure, in order.
        var t = new List<long>(timesMs.Length);
        var p = new List<double>(timesMs.Length);
        for (int i = 0; i < timesMs.Length; i++)
        {
            if (double.IsFinite(hpa[i]))
            {
                t.Add(timesMs[i]);
                p.Add(hpa[i]);
            }
        }

        long maxGap = (long)settings.MaxGap.TotalMilliseconds;
        long maxDip = (long)settings.MaxDip.TotalMilliseconds;
        long minDuration = (long)settings.MinDuration.TotalMilliseconds;
        var legs = new List<TransportLeg>();
        bool open = false;
        long start = 0, lastIn = 0;
        double min = 0, sum = 0;
        int count = 0;

        for (int k = 0; k < t.Count; k++)
        {
            if (open && k > 0 && t[k] - t[k - 1] > maxGap) Close();
            double f = Filtered(t, p, k, maxGap);
            bool inBand = f >= settings.LowHpa && f <= settings.HighHpa;
            if (inBand)
            {
                if (!open)
                {
                    open = true;
                    start = t[k];
                    min = double.MaxValue;
                    sum = 0;
                    count = 0;
                }
                lastIn = t[k];
                min = Math.Min(min, p[k]);
                sum += p[k];
                count++;
            }
            else if (open && t[k] - lastIn > maxDip)
            {
                Close();
            }
        }
        if (open) Close();
        return legs;

        void Close()
        {
            open = false;
            if (lastIn - start < minDuration) return;
            legs.Add(new TransportLeg
            {
                Tag = tag, Kind = "air", Start = DateTimeOffset.FromUnixTimeMilliseconds(start), End = DateTimeOffset.FromUnixTimeMilliseconds(lastIn),
                DurationS = (lastIn - start) / 1000.0, MinHpa = min, MeanHpa = sum / count,
            });
        }
    }

    /// <summary>The median of a reading and its neighbours within the gap limit (the reading itself at an edge).</summary>
    private static double Filtered(List<long> t, List<double> p, int k, long maxGap)
    {
        bool before = k > 0 && t[k] - t[k - 1] <= maxGap;
        bool after = k + 1 < t.Count && t[k + 1] - t[k] <= maxGap;
        if (!before || !after) return p[k];
        double a = p[k - 1], b = p[k], c = p[k + 1];
        return Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
    }
}
