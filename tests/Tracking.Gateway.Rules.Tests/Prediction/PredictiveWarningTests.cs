using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Engine;
using Tracking.Gateway.Rules.Trips;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Prediction;

/// <summary>
/// Predictive warnings through the engine, readings on the 5-minute grid (reading i at minute 5 i), default options
/// (horizon 2 h, window 90 min: at most 19 readings of 5 min, at least 8 readings over at least 45 min) but issued at
/// the first reading that predicts the alarm (no confirmation time) and fitted at every reading (no refit interval)
/// unless a test says otherwise.
/// </summary>
public sealed class PredictiveWarningTests
{
    private static Rig NewRig(Band band, TimeSpan? confirm = null, TimeSpan? refit = null) =>
        new(OneBand(band), options: new RulesOptions { PredictionConfirm = confirm ?? TimeSpan.Zero, PredictionRefit = refit ?? TimeSpan.Zero });

    /// <summary>4.0 + 0.1 i: 1.2 degC/h, exactly 8.0 at reading 40 (minute 200).</summary>
    private static double Ramp(int i) => 4.0 + (0.1 * i);

    private static async Task<IReadOnlyList<PredictiveWarning>> FeedUpTo(Rig rig, int from, int to, Func<int, double> temp)
    {
        for (int i = from; i <= to; i++) await rig.Feed(R((uint)i, temp(i)));
        return await rig.Engine.WarningsAsync(Box);
    }

    [Fact]
    public async Task The_warning_sinks_hear_of_the_issue_once_and_of_the_end_when_the_alarm_fires()
    {
        var rig = NewRig(Upper(8, delayMin: 30));
        await FeedUpTo(rig, 0, 21, Ramp);
        Assert.Empty(rig.Sink.Warnings);

        await FeedUpTo(rig, 22, 30, Ramp);
        await rig.Feed(R(25, Ramp(25)), R(26, Ramp(26))); // duplicates: no news
        WarningNotification issued = Assert.Single(rig.Sink.Warnings);
        Assert.Equal((WarningTransition.Issued, null), (issued.Transition, issued.Reason));
        Assert.Equal((Tag, "temp_c_upper_8", "temp_high"), (issued.Warning.Tag, issued.Warning.Band, issued.Warning.Kind));
        Assert.Equal((T0.AddMinutes(110), T0.AddMinutes(230)), (issued.Warning.IssuedAt, issued.Warning.PredictedAlarm));
        Assert.Equal(rig.Time.GetUtcNow(), issued.At);
        Assert.Empty(rig.Sink.Seen); // not an alert

        await FeedUpTo(rig, 31, 46, Ramp);
        Assert.Equal(2, rig.Sink.Warnings.Count);
        WarningNotification ended = rig.Sink.Warnings[1];
        Assert.Equal((WarningTransition.Ended, WarningNotification.AlarmFired), (ended.Transition, ended.Reason));
        Assert.Equal(T0.AddMinutes(110), ended.Warning.IssuedAt); // the same warning
        Assert.Single(rig.Sink.Of(AlertTransition.Raised)); // and the alarm it predicted
    }

    [Fact]
    public async Task A_linear_ramp_is_warned_with_the_breach_and_alarm_it_will_reach()
    {
        // Upper 8 C, delay 30 min. The line reaches 8.0 at minute 200 (a reading: inclusive, the excursion starts
        // there), the delay completes at the reading of minute 230. That is within 2 h from minute 110 (reading 22) on.
        var rig = NewRig(Upper(8, delayMin: 30));
        Assert.Empty(await FeedUpTo(rig, 0, 21, Ramp)); // at minute 105 the alarm is 125 min away

        PredictiveWarning w = Assert.Single(await FeedUpTo(rig, 22, 22, Ramp));
        Assert.Equal("temp_c_upper_8", w.Band);
        Assert.Equal("temp_high", w.Kind);
        Assert.Equal(8, w.Limit);
        Assert.Equal(T0.AddMinutes(200), w.PredictedBreach);
        Assert.Equal(T0.AddMinutes(230), w.PredictedAlarm);
        Assert.Equal(1.2, w.SlopePerHour, 9);
        Assert.Equal(6.2, w.Level, 9);
        Assert.Equal(19, w.Points); // minutes 20..110: the 90-min window
        Assert.Equal(1, w.Confidence);
        Assert.Equal(T0.AddMinutes(110), w.IssuedAt);

        // Still in force while the excursion runs towards its delay, keeping its issue time; it ends when the alarm fires.
        w = Assert.Single(await FeedUpTo(rig, 23, 45, Ramp));
        Assert.Equal(T0.AddMinutes(110), w.IssuedAt);
        Assert.Equal(T0.AddMinutes(200), w.PredictedBreach);
        Assert.Equal(T0.AddMinutes(230), w.PredictedAlarm);
        Assert.Empty(await FeedUpTo(rig, 46, 46, Ramp));
        Alert alarm = Assert.Single(await rig.Alerts(AlertState.Open));
        Assert.Equal(T0.AddMinutes(200), alarm.Since); // the alarm came at minute 230, as predicted
    }

    [Fact]
    public async Task A_line_reaching_the_limit_exactly_at_a_reading_breaches_there()
    {
        // Delay 0: the alarm is the first reading at or above 8.0, the reading of minute 200 itself (an exclusive
        // threshold would make it 205). Within 2 h from minute 80 (reading 16) on, not at minute 75.
        var rig = NewRig(Upper(8));
        Assert.Empty(await FeedUpTo(rig, 0, 15, Ramp));
        PredictiveWarning w = Assert.Single(await FeedUpTo(rig, 16, 16, Ramp));
        Assert.Equal(T0.AddMinutes(200), w.PredictedBreach);
        Assert.Equal(T0.AddMinutes(200), w.PredictedAlarm);
        Assert.Equal(T0.AddMinutes(80), w.IssuedAt);
    }

    [Fact]
    public async Task A_lower_band_is_warned_on_a_falling_line()
    {
        // 6.0 - 0.1 i: 2.0 at reading 40 (minute 200, inclusive), delay 0.
        var rig = NewRig(BandRuleTests.Lower(2));
        PredictiveWarning w = Assert.Single(await FeedUpTo(rig, 0, 16, i => 6.0 - (0.1 * i)));
        Assert.Equal("temp_low", w.Kind);
        Assert.Equal(-1.2, w.SlopePerHour, 9);
        Assert.Equal(T0.AddMinutes(200), w.PredictedAlarm);
    }

    [Fact]
    public async Task A_flat_noisy_series_is_not_warned()
    {
        // 5 C +- 0.3 C of noise for two days against 2-8 C: never a warning at any reading.
        var rig = NewRig(BandRuleTests.Dual(2, 8) with { Delay = TimeSpan.FromMinutes(30) });
        var rng = new Random(12);
        for (int i = 0; i < 576; i++)
        {
            await rig.Feed(R((uint)i, 5 + ((rng.NextDouble() - 0.5) * 0.6)));
            Assert.Empty(await rig.Engine.WarningsAsync(Box));
        }
    }

    [Fact]
    public async Task A_door_opening_spike_is_not_warned()
    {
        // 5 C, then a door opening: 9, 12, 10, 8, 6.5 (minutes 150-170), then 5 C again. The spike crosses 8 C but falls
        // back before the 30-min delay; the line over the window hardly moves and the recent readings fall.
        double[] spike = [9, 12, 10, 8, 6.5];
        var rig = NewRig(Upper(8, delayMin: 30));
        for (int i = 0; i < 80; i++)
        {
            await rig.Feed(R((uint)i, i is >= 30 and < 35 ? spike[i - 30] : 5.0));
            Assert.Empty(await rig.Engine.WarningsAsync(Box));
        }
    }

    [Fact]
    public async Task A_warning_is_withdrawn_when_the_trend_reverses()
    {
        // Up at 1.2 degC/h to 6.5 (reading 25, warned since 22), then down at 1.2 degC/h: once the recent readings fall
        // the trend no longer reaches 8 C and the warning ends, with no alarm.
        static double UpThenDown(int i) => i <= 25 ? Ramp(i) : Ramp(25) - (0.1 * (i - 25));
        var rig = NewRig(Upper(8, delayMin: 30));
        Assert.Single(await FeedUpTo(rig, 0, 25, UpThenDown));
        IReadOnlyList<PredictiveWarning> after = await FeedUpTo(rig, 26, 40, UpThenDown);
        Assert.Empty(after);
        Assert.Empty(await rig.Alerts());
    }

    [Fact]
    public async Task Warnings_survive_a_restart()
    {
        var rig = NewRig(Upper(8, delayMin: 30));
        PredictiveWarning before = Assert.Single(await FeedUpTo(rig, 0, 30, Ramp));
        PredictiveWarning after = Assert.Single(await rig.Restart().Engine.WarningsAsync(Box));
        Assert.Equal(before.PredictedAlarm, after.PredictedAlarm);
        Assert.Equal(before.SlopePerHour, after.SlopePerHour, 9);
    }

    [Fact]
    public async Task Another_profile_ends_the_warnings_in_force_and_tells_the_sinks_why()
    {
        var rig = NewRig(Upper(8, delayMin: 30));
        await FeedUpTo(rig, 0, 25, Ramp);
        WarningNotification issued = Assert.Single(rig.Sink.Warnings);

        // A limit of 20 C: the ramp no longer reaches an alarm within the horizon, and the window is evaluated afresh.
        await rig.Store.PutProfileAsync(OneBand(Upper(20, delayMin: 30), "warm"));
        await rig.Store.AssignProfileAsync(Box, "warm");
        await rig.Engine.InvalidateProfilesAsync();
        Assert.Empty(await FeedUpTo(rig, 26, 26, Ramp));

        Assert.Equal(2, rig.Sink.Warnings.Count);
        WarningNotification ended = rig.Sink.Warnings[1];
        Assert.Equal((WarningTransition.Ended, WarningNotification.ProfileChanged), (ended.Transition, ended.Reason));
        Assert.Equal(WarningNotification.KeyOf(issued.Warning), WarningNotification.KeyOf(ended.Warning)); // the same warning
        Assert.Equal("temp_c_upper_8", ended.Warning.Band); // as issued, under the profile it was issued under
    }

    [Fact]
    public async Task Another_profile_assigned_while_the_gateway_was_down_ends_the_warnings_saved_in_force()
    {
        var rig = NewRig(Upper(8, delayMin: 30));
        await FeedUpTo(rig, 0, 25, Ramp);
        WarningNotification issued = Assert.Single(rig.Sink.Warnings);
        await rig.Engine.SaveStateAsync();

        await rig.Store.PutProfileAsync(OneBand(Upper(20, delayMin: 30), "warm"));
        await rig.Store.AssignProfileAsync(Box, "warm");
        Rig restarted = rig.Restart();
        await restarted.Feed(R(26, Ramp(26)));

        WarningNotification ended = Assert.Single(restarted.Sink.Warnings);
        Assert.Equal((WarningTransition.Ended, WarningNotification.ProfileChanged), (ended.Transition, ended.Reason));
        Assert.Equal(WarningNotification.KeyOf(issued.Warning), WarningNotification.KeyOf(ended.Warning));
    }

    [Fact]
    public async Task A_trip_started_over_the_window_ends_the_warnings_in_force_and_tells_the_sinks_why()
    {
        var rig = NewRig(Upper(8, delayMin: 30));
        await FeedUpTo(rig, 0, 25, Ramp);
        WarningNotification issued = Assert.Single(rig.Sink.Warnings);

        await rig.Store.StartTripAsync(new Trip { Container = Box, Start = T0.AddMinutes(60) });
        await rig.Engine.InvalidateProfilesAsync();
        await FeedUpTo(rig, 26, 26, Ramp);

        WarningNotification ended = rig.Sink.Warnings[1];
        Assert.Equal((WarningTransition.Ended, WarningNotification.TripsChanged), (ended.Transition, ended.Reason));
        Assert.Equal(WarningNotification.KeyOf(issued.Warning), WarningNotification.KeyOf(ended.Warning));
    }

    [Fact]
    public async Task Late_data_gives_the_same_warning_as_data_in_order()
    {
        // Readings 0..30 of the ramp with 20..24 held back and delivered last: the window re-runs, the trend is the same.
        var inOrder = NewRig(Upper(8, delayMin: 30));
        PredictiveWarning expected = Assert.Single(await FeedUpTo(inOrder, 0, 30, Ramp));
        var late = NewRig(Upper(8, delayMin: 30));
        await late.Feed([.. Enumerable.Range(0, 31).Where(i => i is < 20 or > 24).Select(i => R((uint)i, Ramp(i)))]);
        await late.Feed([.. Enumerable.Range(20, 5).Select(i => R((uint)i, Ramp(i)))]);
        PredictiveWarning got = Assert.Single(await late.Engine.WarningsAsync(Box));
        Assert.Equal(expected.PredictedBreach, got.PredictedBreach);
        Assert.Equal(expected.PredictedAlarm, got.PredictedAlarm);
        Assert.Equal(expected.Points, got.Points);
    }

    [Fact]
    public async Task A_warning_is_issued_once_the_prediction_held_for_the_confirmation_time()
    {
        // The ramp predicts the alarm from minute 110 on; with 30 min to confirm, the warning is issued at minute 140,
        // with the same predicted times.
        var rig = NewRig(Upper(8, delayMin: 30), TimeSpan.FromMinutes(30));
        Assert.Empty(await FeedUpTo(rig, 0, 27, Ramp));
        PredictiveWarning w = Assert.Single(await FeedUpTo(rig, 28, 28, Ramp));
        Assert.Equal(T0.AddMinutes(140), w.IssuedAt);
        Assert.Equal(T0.AddMinutes(230), w.PredictedAlarm);
    }

    [Fact]
    public async Task With_a_refit_interval_the_warning_comes_at_the_first_fit_after_the_trend_predicts_the_alarm()
    {
        // Fitted at minutes 0, 15, ..., 105 (no prediction yet: the alarm is 125 min away), 120: issued there, 10 min
        // later than fitting every reading (minute 110), with the same predicted times.
        var rig = NewRig(Upper(8, delayMin: 30), refit: TimeSpan.FromMinutes(15));
        Assert.Empty(await FeedUpTo(rig, 0, 23, Ramp));
        PredictiveWarning w = Assert.Single(await FeedUpTo(rig, 24, 24, Ramp));
        Assert.Equal(T0.AddMinutes(120), w.IssuedAt);
        Assert.Equal(T0.AddMinutes(200), w.PredictedBreach);
        Assert.Equal(T0.AddMinutes(230), w.PredictedAlarm);
    }

    [Fact]
    public async Task With_a_refit_interval_a_warning_being_confirmed_is_fitted_at_every_reading()
    {
        // The first fit that predicts the alarm is at minute 120; from then on every reading is fitted, so the 20 min
        // of confirmation end at the reading of minute 140 (fits only every 15 min would confirm it at minute 150).
        var rig = NewRig(Upper(8, delayMin: 30), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(15));
        Assert.Empty(await FeedUpTo(rig, 0, 27, Ramp));
        PredictiveWarning w = Assert.Single(await FeedUpTo(rig, 28, 28, Ramp));
        Assert.Equal(T0.AddMinutes(140), w.IssuedAt);
        Assert.Equal(T0.AddMinutes(230), w.PredictedAlarm);
    }

    [Fact]
    public async Task With_a_refit_interval_a_warning_in_force_ends_at_the_same_reading_as_when_fitting_every_reading()
    {
        // Up, then down (as in the withdrawal test): once issued, the warning is re-fitted at every reading, so it is
        // in force at exactly the same readings as without a refit interval, and it ends at the same reading.
        static double UpThenDown(int i) => i <= 27 ? Ramp(i) : Ramp(27) - (0.1 * (i - 27));
        var every = NewRig(Upper(8, delayMin: 30));
        var refit = NewRig(Upper(8, delayMin: 30), refit: TimeSpan.FromMinutes(15));
        var inForce = new List<(int Reading, int Every, int Refit)>();
        for (int i = 0; i <= 45; i++)
        {
            inForce.Add((i, (await FeedUpTo(every, i, i, UpThenDown)).Count, (await FeedUpTo(refit, i, i, UpThenDown)).Count));
        }
        Assert.All(inForce.Where(r => r.Reading < 24), r => Assert.Equal(0, r.Refit));
        Assert.All(inForce.Where(r => r.Reading >= 24), r => Assert.Equal(r.Every, r.Refit));
        Assert.Contains(inForce, r => r.Reading > 27 && r.Every == 1); // in force after the turn...
        Assert.Equal(0, inForce[^1].Refit); // ...and ended
        Assert.Equal(every.Sink.Warnings[^1].Warning.UpdatedAt, refit.Sink.Warnings[^1].Warning.UpdatedAt);
        Assert.Equal(WarningTransition.Ended, refit.Sink.Warnings[^1].Transition);
    }

    [Fact]
    public async Task With_a_refit_interval_late_data_still_gives_the_same_warning_as_data_in_order()
    {
        var inOrder = NewRig(Upper(8, delayMin: 30), refit: TimeSpan.FromMinutes(15));
        PredictiveWarning expected = Assert.Single(await FeedUpTo(inOrder, 0, 30, Ramp));
        var late = NewRig(Upper(8, delayMin: 30), refit: TimeSpan.FromMinutes(15));
        await late.Feed([.. Enumerable.Range(0, 31).Where(i => i is < 20 or > 24).Select(i => R((uint)i, Ramp(i)))]);
        await late.Feed([.. Enumerable.Range(20, 5).Select(i => R((uint)i, Ramp(i)))]);
        PredictiveWarning got = Assert.Single(await late.Engine.WarningsAsync(Box));
        Assert.Equal(expected.PredictedAlarm, got.PredictedAlarm);
        Assert.Equal(expected.Points, got.Points);
    }
}
