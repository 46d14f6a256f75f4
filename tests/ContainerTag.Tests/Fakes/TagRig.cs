using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>One simulated tag: fakes plus flash that survives "reboots" (new controller instances).</summary>
public sealed class TagRig
{
    public const string Fleet = "fleet1";
    public const string Container = "CSQU3054383";
    public const string TagId = "tag7";

    public FakeClock Clock { get; } = new();
    public FakeEnvironment Env { get; } = new();
    public FakeAccelerometer Accel { get; } = new();
    public FakePower Power { get; } = new();
    public FakeUplink Uplink { get; } = new();
    public MemoryStorage Storage { get; }
    public TagOptions Options { get; }
    public TagController Controller { get; private set; }

    public TagRig(MemoryStorage? storage = null, Action<TagOptions>? configure = null)
    {
        Storage = storage ?? new MemoryStorage();
        Options = new TagOptions { Fleet = Fleet, Container = Container, Tag = TagId };
        configure?.Invoke(Options);
        Controller = NewController();
    }

    public TagController NewController() => new(Options, Env, Accel, Clock, Storage, Uplink, Power);

    /// <summary>Wakes with a new controller instance, as the device does after every deep sleep.</summary>
    public RunResult Wake(WakeCause cause)
    {
        Controller = NewController();
        return Controller.RunOnce(cause);
    }

    /// <summary>Sleeps as told and wakes on the timer.</summary>
    public RunResult SleepAndWake(RunResult last)
    {
        Clock.Sleep(last.NextSleepMs);
        return Wake(WakeCause.Timer);
    }
}
