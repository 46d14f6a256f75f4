using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// The rules as a pure step function: state + next reading (in device-time order) -> state, plus effects. The engine
/// runs it forward for data in order and again from the window's start after late data, so both give the same result.
/// </summary>
internal static class Evaluator
{
    public static EvalState NewState(Profile? profile) => new()
    {
        Bands = new BandState[profile?.Bands.Count ?? 0],
        Rolling = profile?.MktWindow is { } window && window > TimeSpan.Zero ? new Mkt.RollingMkt(window) : null,
    };

    /// <param name="trips">The container's trips (null: none, every reading in the implicit trip).</param>
    public static void Step(EvalState s, in Sample x, Profile? profile, List<Effect>? effects, TripTimeline? trips = null)
    {
        // Two comparisons per reading; the look-up only when a reading leaves the segment (or after a restore or a trip change).
        if (!s.SegmentKnown || x.TimeMs >= s.SegmentEndMs || x.TimeMs < s.SegmentStartMs) EnterSegment(s, x.TimeMs, profile, effects, trips);

        // Consecutive readings of one boot cover the time between them; anything else (a gap in seq, another boot)
        // leaves that time unknown: not counted in range, not counted outside, not in the MKT.
        bool known = s.HasLast && x.Boot == s.LastBoot && x.Seq == s.LastSeq + 1;
        if (!s.HasLast)
        {
            s.FirstMs = x.TimeMs;
        }
        else
        {
            long dt = x.TimeMs - s.LastMs;
            // An interval straddling a trip's start: only its part after the start is the trip's.
            long tripDt = x.TimeMs - Math.Max(s.LastMs, s.TripFromMs);
            if (!known)
            {
                s.UnknownMs += tripDt;
            }
            else if (!double.IsNaN(s.LastTemp))
            {
                // Sample and hold: the earlier reading's temperature stands for the interval up to this one. One exp
                // for both sums (issue 12: the rules' cost per reading).
                double factor = Mkt.MeanKineticTemperature.Factor(s.LastTemp);
                s.Trip.AddFactor(factor, tripDt);
                s.Rolling?.AddFactor(s.LastMs, dt, factor);
            }
        }

        if (profile is not null)
        {
            Band[] bands = profile.BandArray;
            for (int i = 0; i < bands.Length && i < s.Bands.Length; i++)
            {
                Band band = bands[i];
                double value = band.Metric == Metric.TemperatureC ? x.TempC : x.RhPct;
                StepBand(ref s.Bands[i], band, i, value, x.TimeMs, known, effects, s.TripId);
            }
            StepMkt(s, profile, x.TimeMs, effects);
        }

        s.HasLast = true;
        s.LastMs = x.TimeMs;
        s.LastBoot = x.Boot;
        s.LastSeq = x.Seq;
        s.LastTemp = x.TempC;
    }

    /// <summary>
    /// The reading at <paramref name="t"/> is in another trip segment than the last one (README.md "Trips"): the last
    /// segment's excursions end at the boundary (its time outside counted up to there, so its budget may run out there),
    /// and the new segment starts with nothing outside, no time spent, no MKT and no unknown time. The rolling MKT is the
    /// container's surroundings, not the trip's: it goes on. The first reading ever, or one in the same segment after a
    /// look-up, only records where it is.
    /// </summary>
    private static void EnterSegment(EvalState s, long t, Profile? profile, List<Effect>? effects, TripTimeline? trips)
    {
        long id = 0, startMs = long.MinValue, endMs = long.MaxValue;
        trips?.Find(t, out id, out startMs, out endMs);
        s.SegmentKnown = true;
        s.SegmentStartMs = startMs;
        s.SegmentEndMs = endMs;
        if (!s.HasLast)
        {
            s.TripId = id;
            return;
        }
        if (id == s.TripId) return;

        // The boundary: the segment's start, but never before the last reading (a trip that began before it, seen only
        // now after a trip change: the evaluated readings before stay where they were counted).
        long boundary = Math.Max(startMs, s.LastMs);
        for (int i = 0; i < s.Bands.Length; i++)
        {
            ref BandState b = ref s.Bands[i];
            if (b.Outside && profile is not null && i < profile.Bands.Count)
            {
                Band band = profile.Bands[i];
                long duration = boundary - b.StartMs;
                b.CumulativeMs += duration;
                effects?.Add(new Effect
                {
                    Kind = EffectKind.ExcursionEnded, Band = i, Side = b.Side, StartMs = b.StartMs, AtMs = boundary, Value = double.NaN,
                    Limit = LimitOf(band, b.Side), Peak = b.Peak, DurationMs = duration, UnknownMs = b.UnknownMs, Trip = s.TripId,
                });
                CheckCumulative(ref b, band, i, b.Peak, boundary, 0, effects, s.TripId);
            }
            b.Outside = false;
            b.Alarmed = false;
            b.UnknownMs = 0;
            b.CumulativeMs = 0;
            b.CumulativeAlarmed = false;
        }
        s.TripId = id;
        s.TripFromMs = boundary;
        s.Trip = default;
        s.UnknownMs = 0;
        effects?.Add(new Effect { Kind = EffectKind.TripEntered, Band = -1, StartMs = boundary, AtMs = boundary, Trip = id });
    }

    /// <summary>+1 at or above the upper limit, -1 at or below the lower one, 0 inside: thresholds are inclusive.</summary>
    public static int SideOf(Band band, double value) => band.Kind switch
    {
        BandKind.Upper => value >= band.Limit ? 1 : 0,
        BandKind.Lower => value <= band.Limit ? -1 : 0,
        _ => value >= band.High ? 1 : value <= band.Low ? -1 : 0,
    };

    public static double LimitOf(Band band, int side) => band.Kind == BandKind.Dual ? (side > 0 ? band.High : band.Low) : band.Limit;

    /// <summary>Back inside by at least the hysteresis (and strictly inside the limit even when the hysteresis is 0).</summary>
    private static bool BackInside(Band band, int side, double value)
    {
        double limit = LimitOf(band, side);
        return side > 0 ? value < limit && value <= limit - band.Hysteresis : value > limit && value >= limit + band.Hysteresis;
    }

    private static void StepBand(ref BandState b, Band band, int index, double value, long t, bool known, List<Effect>? effects, long trip)
    {
        if (double.IsNaN(value))
        {
            // No value for this band: the time up to its next value is unknown, and nothing starts or ends.
            b.Gap = true;
            return;
        }

        bool intervalKnown = known && !b.Gap && b.HasLast;
        if (b.Outside)
        {
            if (!intervalKnown) b.UnknownMs += t - b.LastMs;
            if (!BackInside(band, b.Side, value))
            {
                if (SideOf(band, value) == b.Side) b.Peak = b.Side > 0 ? Math.Max(b.Peak, value) : Math.Min(b.Peak, value);
                CheckAlarms(ref b, band, index, value, t, effects, trip);
            }
            else
            {
                long duration = t - b.StartMs;
                b.CumulativeMs += duration;
                b.Outside = false;
                effects?.Add(new Effect
                {
                    Kind = EffectKind.ExcursionEnded, Band = index, Side = b.Side, StartMs = b.StartMs, AtMs = t, Value = value,
                    Limit = LimitOf(band, b.Side), Peak = b.Peak, DurationMs = duration, UnknownMs = b.UnknownMs, Trip = trip,
                });

                // The time up to this reading counts against the budget, so the budget can run out on the way back in.
                CheckCumulative(ref b, band, index, value, t, 0, effects, trip);
                b.Alarmed = false;
            }
        }

        if (!b.Outside)
        {
            int side = SideOf(band, value);
            if (side != 0)
            {
                b.Outside = true;
                b.Side = side;
                b.StartMs = t;
                b.Peak = value;
                b.UnknownMs = 0;
                b.Alarmed = false;
                CheckAlarms(ref b, band, index, value, t, effects, trip);
            }
        }

        b.HasLast = true;
        b.LastMs = t;
        b.Gap = false;
    }

    private static void CheckAlarms(ref BandState b, Band band, int index, double value, long t, List<Effect>? effects, long trip)
    {
        long elapsed = t - b.StartMs;
        if (!b.Alarmed && elapsed >= (long)band.Delay.TotalMilliseconds)
        {
            b.Alarmed = true;
            effects?.Add(new Effect
            {
                Kind = EffectKind.Alarm, Band = index, Side = b.Side, StartMs = b.StartMs, AtMs = t, Value = value,
                Limit = LimitOf(band, b.Side), Peak = b.Peak, DurationMs = elapsed, UnknownMs = b.UnknownMs, Trip = trip,
            });
        }
        CheckCumulative(ref b, band, index, value, t, elapsed, effects, trip);
    }

    private static void CheckCumulative(ref BandState b, Band band, int index, double value, long t, long ongoingMs, List<Effect>? effects, long trip)
    {
        if (band.Cumulative is not { } budget || b.CumulativeAlarmed) return;
        long total = b.CumulativeMs + ongoingMs;
        if (total < (long)budget.TotalMilliseconds) return;
        b.CumulativeAlarmed = true;
        effects?.Add(new Effect
        {
            Kind = EffectKind.CumulativeAlarm, Band = index, Side = b.Side, StartMs = b.StartMs, AtMs = t, Value = value,
            Limit = LimitOf(band, b.Side), Peak = b.Peak, DurationMs = total, Trip = trip,
        });
    }

    private static void StepMkt(EvalState s, Profile profile, long t, List<Effect>? effects)
    {
        if (profile.MktLimitC is not { } limit || s.Rolling is null || profile.MktWindow is not { } window) return;

        // Judged once the trip covers a whole window: MKT is defined over its period (24 h, 30 days), and the first
        // hours of a trip (loading) would otherwise decide it alone.
        if (t - s.FirstMs < (long)window.TotalMilliseconds) return;
        (double mkt, _) = s.Rolling.Value(t);
        if (double.IsNaN(mkt)) return;
        if (!s.MktHigh && mkt >= limit)
        {
            s.MktHigh = true;
            s.MktSinceMs = t;
            effects?.Add(new Effect { Kind = EffectKind.MktHigh, Band = -1, StartMs = t, AtMs = t, Value = mkt, Limit = limit });
        }
        else if (s.MktHigh && mkt < limit)
        {
            s.MktHigh = false;
            effects?.Add(new Effect { Kind = EffectKind.MktClear, Band = -1, StartMs = s.MktSinceMs, AtMs = t, Value = mkt, Limit = limit });
        }
    }
}
