using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using TagSimulator.Manifest;
using TagSimulator.Models;
using TagSimulator.Time;
using TagSimulator.Uplink;

namespace TagSimulator.Fleet;

/// <summary>
/// One simulated tag: Core's TagController over simulated hardware. Each <see cref="Wake"/> is one
/// deep-sleep cycle of the device; the tag then tells the scheduler when it wakes next (its timer,
/// or an earlier shock above the armed threshold).
/// </summary>
public sealed class VirtualTag
{
    /// <summary>ESP32 wake from deep sleep through nanoFramework start to the app (CPU on, radio off).</summary>
    public const long WakeBootMs = 130;

    private readonly TagController _controller;
    private readonly SimClock _clock = new();
    private readonly Random _rng;

    public VirtualTag(int index, TagOptions options, TagScenario scenario, IBrokerTransport transport, bool recordManifest)
    {
        Index = index;
        Options = options;
        Scenario = scenario;
        _rng = new Random(scenario.NoiseSeed);
        Environment = new ReeferModel(scenario, _clock, _rng);
        Accelerometer = new ShockModel(scenario, _clock, _rng);
        Battery = new BatteryCell(options.BatteryCapacityMah, scenario.InitialStateOfCharge, _rng);
        Manifest = recordManifest ? new TagManifest(options.Fleet, options.Container, options.Tag) { Scenario = ScenarioRecord.From(scenario) } : null;
        Uplink = new SimUplink(index, transport, scenario, _clock, _rng, Manifest is null ? null : (topic, payload) => Manifest.Record(topic, payload));
        Storage = new MemoryStorage();
        _controller = new TagController(options, Environment, Accelerometer, _clock, Storage, Uplink, Battery);
        // tags are switched on over the first sample interval, not all at the same instant
        NextWakeMs = scenario.StartMs + _rng.Next(0, options.DefaultConfig.SampleS * 1000);
        NextCause = WakeCause.PowerOn;
    }

    public int Index { get; }

    /// <summary>Its identity (fleet, container, tag) and settings.</summary>
    public TagOptions Options { get; }
    public TagScenario Scenario { get; }
    public ReeferModel Environment { get; }
    public ShockModel Accelerometer { get; }
    public BatteryCell Battery { get; }
    public SimUplink Uplink { get; }
    public MemoryStorage Storage { get; }
    public TagManifest? Manifest { get; }
    public TagController Controller => _controller;

    public long NextWakeMs { get; private set; }
    public WakeCause NextCause { get; private set; }

    public long Wakes { get; private set; }
    public long Samples { get; private set; }
    public long ReadingsAcknowledged { get; private set; }
    public long AwakeMs { get; private set; }

    /// <summary>Runs the wake due at <see cref="NextWakeMs"/> and schedules the next one.</summary>
    public RunResult Wake()
    {
        _clock.BeginWake(NextWakeMs, WakeBootMs);
        if (NextCause == WakeCause.PowerOn) _clock.PowerOn(-NextWakeMs + _rng.Next(0, 1000)); // the RTC restarts near the epoch
        Battery.Cause = NextCause;
        long radioBefore = Uplink.RadioMs;
        RunResult result = _controller.RunOnce(NextCause);
        long end = _clock.SimNowMs;
        Battery.Draw(0, _clock.UptimeMs, Uplink.RadioMs - radioBefore);
        Wakes++;
        AwakeMs += _clock.UptimeMs;
        if (result.Sampled) Samples++;
        ReadingsAcknowledged += result.ReadingsAcknowledged;

        long timer = end + result.NextSleepMs;
        long shock = Accelerometer.NextWakingShock(end);
        (NextWakeMs, NextCause) = shock < timer ? (shock, WakeCause.Shock) : (timer, WakeCause.Timer);
        foreach (long reboot in Scenario.ColdReboots)
        {
            if (reboot > end && reboot <= NextWakeMs)
            {
                (NextWakeMs, NextCause) = (reboot, WakeCause.PowerOn);
                break;
            }
        }
        if (NextWakeMs >= Scenario.SilentFromMs)
        {
            // Gone silent (destroyed, cell pulled): no wake any more, what it still holds is never sent.
            NextWakeMs = long.MaxValue;
            return result;
        }
        Battery.DeepSleep(NextWakeMs - end);
        return result;
    }
}
