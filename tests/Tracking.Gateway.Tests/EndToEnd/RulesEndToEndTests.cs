using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Store;
using Tracking.Mqtt;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// The rules in the real gateway, fed through mosquitto and the spool: an excursion raises exactly one alert with its
/// true start in device time, also while InfluxDB is down, and a restart in the middle (state in the spool directory's
/// SQLite file) neither loses nor doubles it.
/// </summary>
public sealed class RulesEndToEndTests : RealServersTest
{
    private const string Topic = "tracking/v1/fleet1/CSQU3054383/tag-r/telemetry";
    private static readonly long T0 = new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private string[] Args() => [.. GatewayArgs("gw-rules"), "--Rules:DefaultProfile=pharma_2_8"];

    /// <summary>One reading per 5 minutes: 5 C for an hour, then 9 C (above pharma's 8 C) from minute 60 to 120, then 5 C.</summary>
    private static double Temperature(int i) => i is >= 12 and < 24 ? 9.0 : 5.0;

    private static byte[] Batch(int first, int count)
    {
        string readings = string.Join(",", Enumerable.Range(first, count).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"[{(i - first) * 300_000},{Temperature(i)},50,1013,0.1]")));
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"boot\":1,\"seq\":{first},\"t0\":{T0 + (first * 300_000L)},\"bat\":3.9,\"r\":[{readings}]}}"));
    }

    private static async Task<IReadOnlyList<Alert>> WaitForAlertsAsync(IRuleStore store, Func<IReadOnlyList<Alert>, bool> done)
    {
        var end = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            IReadOnlyList<Alert> alerts = await store.ListAlertsAsync(new AlertQuery(Container: "CSQU3054383"));
            if (done(alerts)) return alerts;
            Assert.True(DateTime.UtcNow < end, $"alerts now: {string.Join("; ", alerts.Select(a => $"{a.Kind} {a.State} since {a.Since:O}"))}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_excursion_raises_one_alert_at_its_true_start_while_influxd_is_down_and_a_restart_keeps_it()
    {
        await Influxd.StopAsync(); // the rules read their own spool reader: no InfluxDB needed
        var (app, _) = await StartInProcessAsync(Args());
        await using (var pub = await PublisherAsync())
        {
            // Batches of 6 readings (30 min): 9 C from the third batch on, 55 min of it by the fourth (delay 30 min).
            for (int first = 0; first < 24; first += 6) await pub.PublishAsync(Topic, Batch(first, 6), MqttQos.AtLeastOnce);
        }

        IRuleStore store = app.Services.GetRequiredService<IRuleStore>();
        IReadOnlyList<Alert> alerts = await WaitForAlertsAsync(store, a => a.Count > 0);
        Alert alert = Assert.Single(alerts);
        Assert.Equal(("temp_high", AlertState.Open), (alert.Kind, alert.State));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + (12 * 300_000L)), alert.Since); // the first reading at 9 C
        Assert.True(alert.Late > TimeSpan.FromDays(1), "readings from days ago raise an alert marked late");
        await app.StopAsync();
        await app.DisposeAsync();

        // Restart: the rest of the trip, plus a resend of everything (a tag resending its backlog).
        (app, _) = await StartInProcessAsync(Args());
        await using (var pub = await PublisherAsync())
        {
            for (int first = 0; first < 36; first += 6) await pub.PublishAsync(Topic, Batch(first, 6), MqttQos.AtLeastOnce);
        }

        store = app.Services.GetRequiredService<IRuleStore>();
        alerts = await WaitForAlertsAsync(store, a => a.Count > 0 && a[0].State == AlertState.Resolved);
        alert = Assert.Single(alerts);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + (12 * 300_000L)), alert.Since);
        Excursion excursion = Assert.Single(await store.ListExcursionsAsync(new ContainerKey("fleet1", "CSQU3054383"),
            DateTimeOffset.FromUnixTimeMilliseconds(T0), DateTimeOffset.FromUnixTimeMilliseconds(T0 + (36 * 300_000L))));
        Assert.Equal((9.0, DateTimeOffset.FromUnixTimeMilliseconds(T0 + (24 * 300_000L))), (excursion.Peak, excursion.End));
        await app.StopAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_tag_first_seen_gets_the_retained_config_of_its_profile_and_an_assignment_replaces_it()
    {
        var (app, _) = await StartInProcessAsync(Args());
        await using (var pub = await PublisherAsync()) await pub.PublishAsync(Topic, Batch(0, 2), MqttQos.AtLeastOnce);

        // pharma_2_8 (the default): 2..8 inclusive as the tag's strict 2.01..7.99, delay 30 min.
        Assert.Equal("""{"v":1,"sample_s":300,"report_s":3600,"t_lo":2.01,"t_hi":7.99,"t_delay_s":1800,"shock_g":4,"bat_lo":3.4}""",
            await RetainedConfigAsync(c => c.Contains("7.99", StringComparison.Ordinal)));

        // An assignment through the composition's listeners (as the API calls them): the tag's config follows.
        var box = new ContainerKey("fleet1", "CSQU3054383");
        await app.Services.GetRequiredService<IRuleStore>().AssignProfileAsync(box, "frozen");
        foreach (var listener in app.Services.GetServices<Tracking.Gateway.Api.Rules.IProfileAssignmentListener>())
        {
            await listener.ProfileAssignedAsync(box, Tracking.Gateway.Rules.Profiles.ProfilePresets.Frozen, CancellationToken.None);
        }
        Assert.Contains("\"t_hi\":-18.01", await RetainedConfigAsync(c => c.Contains("-18.01", StringComparison.Ordinal)), StringComparison.Ordinal);
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>What a waking tag-r gets from the broker on subscribing to its config topic, once it satisfies <paramref name="done"/>.</summary>
    private async Task<string> RetainedConfigAsync(Func<string, bool> done)
    {
        var end = DateTime.UtcNow.AddSeconds(30);
        string last = "";
        while (DateTime.UtcNow < end)
        {
            await using var tag = await PublisherAsync();
            await tag.SubscribeAsync("tracking/v1/fleet1/CSQU3054383/tag-r/config");
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                MqttMessage message = await tag.Messages.ReadAsync(wait.Token);
                // A publish while subscribed comes live (not flagged retained): only the broker's stored copy counts.
                last = Encoding.UTF8.GetString(message.Payload.Span);
                if (message.Retain && done(last)) return last;
            }
            catch (OperationCanceledException)
            {
                // Not published yet.
            }
            await Task.Delay(100);
        }
        Assert.Fail($"no matching retained config; last: '{last}'");
        return last;
    }
}
