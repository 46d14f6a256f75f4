using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// Predictive warnings, per reading: each reading goes into its stream's trend rings; a Theil-Sen line over the
/// window (and, as a check, over its recent half) says when each band's limit is reached and when the alarm would
/// fire (breach plus the band's delay, judged at the readings as the rules judge it). A band whose alarm is due within
/// the horizon is warned. The engine's lock serializes calls, so one set of scratch buffers serves every stream.
/// </summary>
internal sealed class WarningPredictor
{
    private const double MsPerHour = 3_600_000.0;

    private readonly long _windowMs;
    private readonly long _horizonMs;
    private readonly int _minPoints;
    private readonly int _capacity;
    private readonly double _minConfidence;
    private readonly long _confirmMs;
    private readonly long _refitMs;
    private readonly ILogger _logger;
    private readonly double[] _hours;
    private readonly double[] _values;
    private readonly double[] _pairs;

    // The points of the stream being fitted, filled from its window per metric (TrendRing.Fill).
    private readonly TrendRing _temperature;
    private readonly TrendRing _humidity;

    /// <summary>Warnings issued or ended by new readings, oldest first, until the engine records them (<see cref="Changes"/>).</summary>
    private readonly List<WarningChange> _changes = [];

    public WarningPredictor(RulesOptions options, ILogger logger)
    {
        _windowMs = (long)options.PredictionWindow.TotalMilliseconds;
        _horizonMs = (long)options.PredictionHorizon.TotalMilliseconds;
        _minPoints = options.PredictionMinPoints;
        _capacity = options.PredictionPoints;
        _minConfidence = options.PredictionMinConfidence;
        _confirmMs = (long)options.PredictionConfirm.TotalMilliseconds;
        _refitMs = (long)options.PredictionRefit.TotalMilliseconds;
        _logger = logger;
        _hours = new double[_capacity];
        _values = new double[_capacity];
        _pairs = new double[Math.Max(_capacity, TheilSen.PairCount(_capacity))];
        _temperature = new TrendRing(_capacity);
        _humidity = new TrendRing(_capacity);
    }

    /// <summary>
    /// Before the stream's window readings from <paramref name="count"/> on are observed: the stream's prediction made
    /// for this profile, and in step with the first <paramref name="count"/> readings. Nothing to do when the last
    /// observed was the reading before them (data in order); else (a re-run after late data) the next reading is fitted
    /// whatever the refit interval. Warnings in force keep their issue time; <paramref name="reset"/> (another profile)
    /// drops them.
    /// </summary>
    public void Sync(StreamState st, Profile? profile, int count, bool reset)
    {
        StreamPrediction sp = For(st, profile);
        if (reset) Array.Clear(sp.Bands);
        if (count == 0)
        {
            sp.LastMs = long.MinValue;
            OutOfStep(sp);
            return;
        }
        ref readonly Sample last = ref st.Samples[count - 1];
        if (sp.LastMs == last.TimeMs && sp.LastKey == last.Key) return;
        sp.Observed(last);
        OutOfStep(sp);
    }

    private static void OutOfStep(StreamPrediction sp)
    {
        sp.TemperatureFitMs = sp.HumidityFitMs = long.MinValue;
        sp.TemperatureHints = sp.HumidityHints = TrendHints.None;
    }

    /// <summary>
    /// After a restart (or a state read back in shared mode). A state saved with its warnings (snapshot format 5): the
    /// warnings, high-water mark and fit times as saved, in step with the whole window, so the engine goes on exactly where
    /// the saved state stood (a warning in force stays in force under its issue time, and a replay of the readings after
    /// the state derives the same issues and ends). An older state: the warnings as of the window's newest reading,
    /// derived anew.
    /// </summary>
    public void Restore(ContainerKey key, StreamState st, Profile? profile)
    {
        int n = st.Samples.Count;
        if (st.Prediction is { FromSnapshot: true } saved)
        {
            saved.FromSnapshot = false;
            For(st, profile);
            if (n > 0)
            {
                saved.Observed(st.Samples[n - 1]);
            }
            return;
        }
        Sync(st, profile, Math.Max(0, n - 1), reset: true);
        if (n > 0) Observe(key, st, n - 1, profile, st.Current.Bands);
    }

    /// <summary>
    /// The stream's window reading at <paramref name="index"/>, evaluated (<paramref name="bands"/>: the band states after
    /// it), after <see cref="Sync"/> for this pass: warnings issued, updated or ended. The trend is fitted on the window's
    /// readings up to it. <paramref name="position"/> goes with the changes it makes (<see cref="WarningChange.Position"/>).
    /// </summary>
    public void Observe(ContainerKey key, StreamState st, int index, Profile? profile, BandState[] bands, int position = 0)
    {
        // Made by Sync, which every pass calls first: not For's check of the bands per reading (a cache line of its own).
        StreamPrediction sp = st.Prediction!;
        ref readonly Sample x = ref st.Samples[index];
        sp.Observed(x);
        bool news = x.TimeMs > sp.HighWaterMs;
        sp.HighWaterMs = Math.Max(sp.HighWaterMs, x.TimeMs);
        if (profile is null) return;

        // Each metric is fitted at most once per reading, only when a band needs it, and (issue 12) only every refit
        // interval of device time unless one of its bands has a warning in force or being confirmed: for a band with
        // neither, a reading without a fit changes nothing that a fit could not also leave unchanged (End is a no-op),
        // so skipping only delays the start of a confirmation by less than the interval.
        bool warned = sp.MayBeWarned && AnyWarned(sp.Bands);
        bool tempDue = Due(sp, profile, Metric.TemperatureC, x.TimeMs, sp.TemperatureFitMs, warned);
        bool rhDue = Due(sp, profile, Metric.HumidityPct, x.TimeMs, sp.HumidityFitMs, warned);
        // Most readings (issue 12): no fit due and no warning in force or being confirmed, so every band below would
        // only be skipped or ended, and ending a band with neither is a no-op. Not a walk over the profile's bands.
        if (!tempDue && !rhDue && !warned)
        {
            sp.MayBeWarned = false;
            return;
        }
        TrendFit tempLong = default, tempShort = default, tempEarly = default, rhLong = default, rhShort = default, rhEarly = default;
        bool tempFitted = false, rhFitted = false, tempHalves = false, rhHalves = false;
        for (int i = 0; i < profile.BandArray.Length && i < bands.Length && i < sp.Bands.Length; i++)
        {
            Band band = profile.BandArray[i];
            ref BandWarning w = ref sp.Bands[i];
            bool temp = band.Metric == Metric.TemperatureC;
            if (double.IsNaN(temp ? x.TempC : x.RhPct)) continue; // no news for this band
            if (bands[i].Alarmed)
            {
                End(ref w, key, st, band, news, "the alarm fired", WarningNotification.AlarmFired, position);
                continue;
            }
            if (!(temp ? tempDue : rhDue)) continue;
            TrendRing ring = temp ? _temperature : _humidity;
            // A line that cannot reach any band's alarm within the horizon (MayPredict: proven without fitting it) would
            // only end warnings, as no line (TrendFit.None) does.
            if (temp && !tempFitted)
            {
                ring.Fill(st.Samples, index, Metric.TemperatureC, _windowMs);
                tempLong = MayPredict(ring, profile, Metric.TemperatureC, bands) ? Whole(ring, ref sp.TemperatureHints) : TrendFit.None;
                tempFitted = true;
                sp.TemperatureFitMs = x.TimeMs;
            }
            else if (!temp && !rhFitted)
            {
                ring.Fill(st.Samples, index, Metric.HumidityPct, _windowMs);
                rhLong = MayPredict(ring, profile, Metric.HumidityPct, bands) ? Whole(ring, ref sp.HumidityHints) : TrendFit.None;
                rhFitted = true;
                sp.HumidityFitMs = x.TimeMs;
            }
            TrendFit fit = temp ? tempLong : rhLong;
            long dtMs = Math.Max(1, (ring.NewestMs - ring.OldestMs) / Math.Max(1, ring.Count - 1));
            // The halves only when the whole window's line is believable and predicts the alarm: the same decision as
            // checking them first (all pure), without their fits for the (usual) flat trend.
            long breach = 0, alarm = 0;
            int side = 0;
            bool predicted = Believable(fit, ring) && Predict(band, bands[i], fit, x.TimeMs, dtMs, out breach, out alarm, out side);
            if (predicted && temp && !tempHalves)
            {
                (tempShort, tempEarly) = Halves(ring, ref sp.TemperatureHints);
                tempHalves = true;
            }
            else if (predicted && !temp && !rhHalves)
            {
                (rhShort, rhEarly) = Halves(ring, ref sp.HumidityHints);
                rhHalves = true;
            }
            TrendFit recent = temp ? tempShort : rhShort, early = temp ? tempEarly : rhEarly;
            if (predicted && Consistent(fit, recent, early) && Predict(band, bands[i], recent, x.TimeMs, dtMs, out _, out _, out _))
            {
                // The prediction must hold for the confirmation time before it is a warning: the tail of a door
                // opening can look like a trend for a reading or two.
                long pending = w.PendingMs == 0 ? x.TimeMs : w.PendingMs;
                bool active = w.Active || x.TimeMs - pending >= _confirmMs;
                bool issued = active && !w.Active;
                w = new BandWarning
                {
                    Active = active, PendingMs = pending, Side = side, IssuedMs = issued ? x.TimeMs : w.IssuedMs, UpdatedMs = x.TimeMs, BreachMs = breach,
                    AlarmMs = alarm, SlopePerHour = fit.SlopePerHour, Level = fit.Level, Confidence = fit.Agreement, Points = fit.Points,
                };
                if (issued && news)
                {
                    _changes.Add(new WarningChange(WarningTransition.Issued, Make(key, st.Tag, band, w), null, position));
                    Log.WarningIssued(_logger, key, st.Tag, band.Name, DateTimeOffset.FromUnixTimeMilliseconds(alarm),
                        DateTimeOffset.FromUnixTimeMilliseconds(breach), Math.Round(fit.SlopePerHour, 2), fit.Points);
                }
            }
            else
            {
                End(ref w, key, st, band, news, "the trend no longer reaches the alarm within the horizon", WarningNotification.TrendChanged,
                    position);
            }
        }
        sp.MayBeWarned = AnyWarned(sp.Bands);
    }

    /// <summary>The stream's warnings in force.</summary>
    /// <summary>Whether any of the streams has a warning in force (what <see cref="Current"/> would list, profile aside).</summary>
    public static bool AnyInForce(Dictionary<string, StreamState>.ValueCollection streams)
    {
        foreach (StreamState st in streams)
        {
            if (st.Prediction is not { } sp) continue;
            foreach (BandWarning w in sp.Bands)
            {
                if (w.Active) return true;
            }
        }
        return false;
    }

    public static IEnumerable<PredictiveWarning> Current(ContainerKey key, StreamState st, Profile? profile)
    {
        if (st.Prediction is not { } sp || profile is null) yield break;
        for (int i = 0; i < sp.Bands.Length && i < profile.Bands.Count; i++)
        {
            BandWarning w = sp.Bands[i];
            if (!w.Active) continue;
            yield return Make(key, st.Tag, profile.Bands[i], w);
        }
    }

    private static PredictiveWarning Make(ContainerKey key, string tag, Band band, in BandWarning w) => new()
    {
        Container = key, Tag = tag, Band = band.Name,
        Kind = (band.Metric == Metric.TemperatureC ? "temp" : "rh") + (w.Side > 0 ? "_high" : "_low"),
        Severity = band.Severity, Limit = Evaluator.LimitOf(band, w.Side),
        PredictedBreach = DateTimeOffset.FromUnixTimeMilliseconds(w.BreachMs),
        PredictedAlarm = DateTimeOffset.FromUnixTimeMilliseconds(w.AlarmMs),
        SlopePerHour = w.SlopePerHour, Level = w.Level, Points = w.Points, Confidence = w.Confidence,
        IssuedAt = DateTimeOffset.FromUnixTimeMilliseconds(w.IssuedMs),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(w.UpdatedMs),
    };

    /// <summary>
    /// When the band's alarm would fire if the trend holds; false when not within the horizon. Not outside yet: the
    /// excursion starts at the first reading at or after the line reaches the limit (inclusive) and the alarm at the
    /// first reading at least the delay later. Outside already: the alarm is due at the first reading the delay after
    /// the excursion's start, if the line is still outside (not back inside by the hysteresis) then.
    /// </summary>
    internal bool Predict(Band band, in BandState b, TrendFit fit, long nowMs, long dtMs, out long breachMs, out long alarmMs, out int side)
    {
        breachMs = alarmMs = long.MaxValue;
        side = 0;
        if (!fit.IsValid) return false;
        long delayMs = (long)band.Delay.TotalMilliseconds;
        for (int s = 1; s >= -1; s -= 2)
        {
            if ((band.Kind == BandKind.Upper && s < 0) || (band.Kind == BandKind.Lower && s > 0)) continue;
            double limit = Evaluator.LimitOf(band, s);
            long startMs, breach;
            if (b.Outside)
            {
                if (b.Side != s) continue;
                startMs = breach = b.StartMs;
            }
            else
            {
                if (s * fit.SlopePerHour <= 0) continue;
                // Rounded to the millisecond so that a line reaching the limit exactly at a reading counts there
                // (inclusive thresholds) despite floating-point error.
                long toBreach = Math.Max(0, (long)Math.Round((limit - fit.Level) / fit.SlopePerHour * MsPerHour));
                breach = nowMs + toBreach;
                startMs = nowMs + (Math.Max(1, CeilDiv(toBreach, dtMs)) * dtMs);
            }
            long due = startMs + delayMs;
            long alarm = due <= nowMs ? nowMs + dtMs : nowMs + (Math.Max(1, CeilDiv(due - nowMs, dtMs)) * dtMs);
            if (b.Outside && !StillOutside(band, s, fit.At((alarm - nowMs) / MsPerHour))) continue;
            if (alarm - nowMs > _horizonMs || alarm >= alarmMs) continue;
            (breachMs, alarmMs, side) = (breach, alarm, s);
        }
        return side != 0;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    /// <summary>
    /// False when the ring's Theil-Sen line cannot predict the alarm of any band of <paramref name="metric"/> (issue 12:
    /// most fits predict nothing, and this costs a fraction of a fit). The proof: at least half of the points lie on or
    /// above the line (the intercept is the median of <c>v - slope t</c>), so for a rising line its level now is at most
    /// <c>vmax + slope S</c> (S: the ring's span), and reaching an upper limit L within the horizon H needs
    /// <c>slope &gt;= (L - vmax) / (S + H)</c>; mirrored for a falling line and a lower limit. Whether the median of the pair
    /// slopes is below such a bound X is a count, without the slopes: a pair's slope is below X exactly when
    /// <c>v - X t</c> falls from its earlier point to its later one. The bounds are lowered (raised) by a margin far
    /// above floating-point error, so the answer is only ever "cannot" when the fit would say so. A band outside
    /// (predicted from its excursion's start, not the limit) always needs the fit; alarmed bands are not predicted.
    /// </summary>
    internal bool MayPredict(TrendRing ring, Profile profile, Metric metric, BandState[] bands)
    {
        double upper = double.PositiveInfinity, lower = double.NegativeInfinity;
        for (int i = 0; i < profile.BandArray.Length && i < bands.Length; i++)
        {
            Band band = profile.BandArray[i];
            if (band.Metric != metric || bands[i].Alarmed) continue;
            if (bands[i].Outside) return true;
            if (band.Kind != BandKind.Lower) upper = Math.Min(upper, Evaluator.LimitOf(band, 1));
            if (band.Kind != BandKind.Upper) lower = Math.Max(lower, Evaluator.LimitOf(band, -1));
        }
        int n = ring.CopyTo(_hours, _values, long.MinValue);
        if (n < 2) return false; // no line
        double vmax = double.NegativeInfinity, vmin = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            vmax = Math.Max(vmax, _values[i]);
            vmin = Math.Min(vmin, _values[i]);
        }
        // The horizon plus a millisecond: Predict rounds the time to the breach to the millisecond.
        double reach = -_hours[0] + ((_horizonMs + 1) / MsPerHour);
        double above = (upper - vmax) / reach, below = (lower - vmin) / reach;
        if (!double.IsFinite(above) && !double.IsFinite(below)) return !(above > 0 && below < 0);
        above -= SlopeMargin * (1 + Math.Abs(above));
        below += SlopeMargin * (1 + Math.Abs(below));
        // Pairs with a slope below `above` and above `below`; pairs at one time have no slope (as in the fit).
        int pairs = 0, under = 0, over = 0;
        bool checkUpper = double.IsFinite(above), checkLower = double.IsFinite(below);
        for (int i = 0; i < n; i++)
        {
            double ti = _hours[i], ru = _values[i] - (above * ti), rl = _values[i] - (below * ti);
            for (int j = i + 1; j < n; j++)
            {
                double tj = _hours[j];
                if (tj == ti) continue;
                pairs++;
                under += checkUpper && _values[j] - (above * tj) < ru ? 1 : 0;
                over += checkLower && _values[j] - (below * tj) > rl ? 1 : 0;
            }
        }
        if (pairs == 0) return false; // no line
        // The median is below the bound when more than its rank's share of the slopes are: the middle one (odd
        // count) or both middle ones (even count).
        int needed = ((pairs - 1) / 2) + (pairs % 2 == 0 ? 2 : 1);
        bool upperPossible = checkUpper ? under < needed : !(above > 0);
        bool lowerPossible = checkLower ? over < needed : !(below < 0);
        return upperPossible || lowerPossible;
    }

    /// <summary>The safety margin of <see cref="MayPredict"/>'s slope bounds, relative (plus 1e-4 degC/h absolute).</summary>
    private const double SlopeMargin = 1e-4;

    /// <summary>Not back inside by the hysteresis (the rules' end of an excursion, mirrored).</summary>
    private static bool StillOutside(Band band, int side, double value)
    {
        double limit = Evaluator.LimitOf(band, side);
        return side > 0 ? value >= limit || value > limit - band.Hysteresis : value <= limit || value < limit + band.Hysteresis;
    }

    private bool Believable(TrendFit fit, TrendRing ring) =>
        fit.Points >= _minPoints && ring.NewestMs - ring.OldestMs >= _windowMs / 2 && fit.Agreement >= _minConfidence;

    /// <summary>
    /// The halves of the window tell a trend from the tail of a disturbance. The recent half must be believable on its
    /// own and go the window's way at half to twice its rate: a spike at the start of the window (a door opening leaving
    /// it) tilts the window's line while the recent readings are flat, and the compressor's cycling tilts a short line
    /// either way but with readings that disagree among themselves. And the trend must not be fading: when the early
    /// half is clearly going the same way more than twice as fast, the readings are settling back (the exponential
    /// return after a door closed), and a straight line would overshoot. A failure's warming hardly slows in 90 min.
    /// </summary>
    private bool Consistent(TrendFit whole, TrendFit recent, TrendFit early)
    {
        int min = Math.Max(4, _minPoints / 2);
        if (recent.Points < min || recent.Agreement < _minConfidence) return false;
        double ratio = recent.SlopePerHour / whole.SlopePerHour;
        if (ratio is < 0.5 or > 2) return false;
        bool earlyClear = early.Points >= min && early.Agreement >= _minConfidence;
        return !earlyClear || early.SlopePerHour / recent.SlopePerHour <= 2;
    }

    /// <summary>
    /// The line over the whole window. With <see cref="Halves"/>, the lines over its recent half and its early half:
    /// the whole and the recent must both predict the alarm: a door opening leaves a rising line over the window for a
    /// while after it, but the recent readings fall back (and the reverse for a trend that has just turned).
    /// </summary>
    private TrendFit Whole(TrendRing ring, ref TrendHints hints)
    {
        int n = ring.CopyTo(_hours, _values, long.MinValue);
        TrendFit fit = n >= 2 ? TheilSen.Fit(_hours.AsSpan(0, n), _values.AsSpan(0, n), _pairs, hints.Whole) : TrendFit.None;
        hints.Whole = fit.SlopePerHour;
        return fit;
    }

    private (TrendFit Recent, TrendFit Early) Halves(TrendRing ring, ref TrendHints hints)
    {
        long half = ring.NewestMs - (_windowMs / 2);
        int n = ring.CopyTo(_hours, _values, long.MinValue);
        // The early half: the points before the recent half's first, which CopyTo put first.
        int early = 0;
        while (early < n && _hours[early] < (half - ring.NewestMs) / MsPerHour) early++;
        TrendFit earlyFit = early >= 2 ? TheilSen.Fit(_hours.AsSpan(0, early), _values.AsSpan(0, early), _pairs, hints.Early) : TrendFit.None;
        n = ring.CopyTo(_hours, _values, half);
        TrendFit recent = n >= 2 ? TheilSen.Fit(_hours.AsSpan(0, n), _values.AsSpan(0, n), _pairs, hints.Recent) : TrendFit.None;
        hints.Early = earlyFit.SlopePerHour;
        hints.Recent = recent.SlopePerHour;
        return (recent, earlyFit);
    }

    /// <summary>
    /// Whether the metric's trend is fitted at this reading: the refit interval has passed since its last fit (or the
    /// reading is older than it: a re-run), or one of its bands has a warning in force or being confirmed, which every
    /// reading must update or end as before.
    /// </summary>
    private bool Due(StreamPrediction sp, Profile profile, Metric metric, long nowMs, long lastFitMs, bool warned)
    {
        if (lastFitMs == long.MinValue || nowMs - lastFitMs >= _refitMs || nowMs < lastFitMs) return true;
        if (!warned) return false;
        BandWarning[] warnings = sp.Bands;
        for (int i = 0; i < warnings.Length && i < profile.BandArray.Length; i++)
        {
            if ((warnings[i].Active || warnings[i].PendingMs != 0) && profile.BandArray[i].Metric == metric) return true;
        }
        return false;
    }

    /// <summary>Whether a band has a warning in force or being confirmed (an array walk: no interface call per band).</summary>
    private static bool AnyWarned(BandWarning[] warnings)
    {
        foreach (ref readonly BandWarning w in warnings.AsSpan())
        {
            if (w.Active || w.PendingMs != 0) return true;
        }
        return false;
    }

    /// <summary>
    /// Ends every warning in force in the stream, told as news with <paramref name="code"/>, before a profile or trips
    /// change resets its predictions: the window is then evaluated afresh, and a re-run issues and ends nothing, so a
    /// warning dropped by the reset was never told ended (issue 12: webhooks and MQTT kept a warning that no longer held).
    /// <paramref name="profile"/> is the profile the warnings were issued under. Recorded before the next pass's effects.
    /// </summary>
    public void EndAll(ContainerKey key, StreamState st, Profile? profile, string reason, string code)
    {
        if (st.Prediction is not { } sp || profile is null) return;
        for (int i = 0; i < sp.Bands.Length && i < profile.Bands.Count; i++)
        {
            End(ref sp.Bands[i], key, st, profile.Bands[i], news: true, reason, code, position: 0);
        }
    }

    private void End(ref BandWarning w, ContainerKey key, StreamState st, Band band, bool news, string reason, string code, int position)
    {
        w.PendingMs = 0;
        if (!w.Active) return;
        if (news)
        {
            _changes.Add(new WarningChange(WarningTransition.Ended, Make(key, st.Tag, band, w), code, position));
            Log.WarningEnded(_logger, key, st.Tag, band.Name, reason);
        }
        w.Active = false;
    }

    /// <summary>
    /// The warnings issued or ended (only by new readings: not by re-runs of the window) and not yet recorded, oldest
    /// first. The engine removes each once the rule store has it: a change the store failed to take stays, first.
    /// </summary>
    public List<WarningChange> Changes => _changes;

    /// <summary>The changes not yet taken, taken (a test's way to empty <see cref="Changes"/>).</summary>
    public List<WarningChange> TakeChanges()
    {
        List<WarningChange> taken = [.. _changes];
        _changes.Clear();
        return taken;
    }

    private static StreamPrediction For(StreamState st, Profile? profile)
    {
        StreamPrediction sp = st.Prediction ??= new StreamPrediction();
        int bands = profile?.Bands.Count ?? 0;
        if (sp.Bands.Length != bands) sp.Bands = new BandWarning[bands];
        return sp;
    }
}
