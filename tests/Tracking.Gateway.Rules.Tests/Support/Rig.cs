using Tracking.Testing;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Support;

/// <summary>
/// An engine on the in-memory store with a manual clock and a recording sink; readings are placed on a 5-minute grid
/// from <see cref="T0"/> (reading i at T0 + 5 i min, seq i) unless a test says otherwise.
/// </summary>
public sealed class Rig
{
    public static readonly ContainerKey Box = new("acme", "CSQU3054383");
    public static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    public const string Tag = "tag7";

    public Rig(Profile? profile = null, InMemoryRuleStore? store = null, ManualTimeProvider? time = null, RulesOptions? options = null, int checkpointEvery = 256)
    {
        Store = store ?? new InMemoryRuleStore();
        Time = time ?? new ManualTimeProvider(T0);
        Options = options ?? new RulesOptions();
        if (profile is not null)
        {
            Store.PutProfileAsync(profile).GetAwaiter().GetResult();
            Store.AssignProfileAsync(Box, profile.Name).GetAwaiter().GetResult();
        }
        Engine = new RuleEngine(Store, [Sink], Microsoft.Extensions.Options.Options.Create(Options), Time, warningSinks: [Sink]) { CheckpointEvery = checkpointEvery };
    }

    public InMemoryRuleStore Store { get; }
    public ManualTimeProvider Time { get; }
    public RulesOptions Options { get; }
    public RecordingSink Sink { get; } = new();
    public RuleEngine Engine { get; }

    /// <summary>A new engine on the same store and clock: a gateway restart.</summary>
    public Rig Restart() => new(null, Store, Time, Options);

    public static long Ms(double minutes) => T0.AddMinutes(minutes).ToUnixTimeMilliseconds();

    public static RuleInput R(uint seq, double tempC, double rh = double.NaN, uint boot = 1) =>
        RuleInput.Reading(Box, Tag, boot, seq, Ms(seq * 5.0), tempC, rh);

    /// <summary>Readings 0..n-1 of a temperature series on the 5-minute grid.</summary>
    public static RuleInput[] Series(params double[] temps) => [.. temps.Select((t, i) => R((uint)i, t))];

    public Task Feed(params RuleInput[] batch) => Engine.ProcessAsync(batch);

    public async Task<IReadOnlyList<Excursion>> Excursions() => (await Engine.SummaryAsync(Box)).SelectMany(s => s.Excursions).ToList();

    public async Task<StreamSummary> Summary() => (await Engine.SummaryAsync(Box)).Single();

    public Task<IReadOnlyList<Alert>> Alerts(AlertState? state = null) => Store.ListAlertsAsync(new AlertQuery(State: state));

    public static Profile OneBand(Band band, string name = "test") => new() { Name = name, Bands = [band] };

    public static Band Upper(double limit, double delayMin = 0, double hysteresis = 0, double? cumulativeMin = null) => new()
    {
        Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = limit, Delay = TimeSpan.FromMinutes(delayMin), Hysteresis = hysteresis,
        Cumulative = cumulativeMin is { } c ? TimeSpan.FromMinutes(c) : null,
    };
}
