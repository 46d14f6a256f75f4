namespace TagSimulator.Models;

/// <summary>
/// Everything that will happen to one container during the voyage, drawn up front from the tag's
/// seeded random source so the run is reproducible: reefer set point, door openings, an optional
/// compressor failure, an optional air-freight leg, coverage gaps, handling shocks, the battery.
/// </summary>
public sealed class TagScenario
{
    public long StartMs { get; init; }
    public long EndMs { get; init; }

    public double SetPointC { get; init; } = 5.0;
    public double AmbientC { get; init; } = 24.0;
    public double BaseHumidityPct { get; init; } = 85.0;
    public double AmbientHumidityPct { get; init; } = 65.0;
    public double SeaLevelHpa { get; init; } = 1013.0;

    /// <summary>Weather: slow pressure swing (amplitude hPa, period ms, phase rad).</summary>
    public double WeatherAmplitudeHpa { get; init; } = 6.0;
    public long WeatherPeriodMs { get; init; } = 4L * 86_400_000;
    public double WeatherPhase { get; init; }

    /// <summary>Phase of the compressor's on/off cycle.</summary>
    public double CompressorPhase { get; init; }

    public IReadOnlyList<TimeWindow> DoorOpenings { get; init; } = [];

    /// <summary>What the scenario is about when drawn for one (<see cref="ForFleet"/>, <see cref="ForMeasurement"/>); null: a random voyage.</summary>
    public ScenarioKind? Kind { get; init; }

    /// <summary>From when the tag sends nothing more, not even what it still holds (long.MaxValue: never).</summary>
    public long SilentFromMs { get; init; } = long.MaxValue;

    /// <summary>When the refrigeration unit stops (long.MaxValue: never).</summary>
    public long CompressorFailureAtMs { get; init; } = long.MaxValue;

    /// <summary>The air-freight leg (gate to gate), or null.</summary>
    public TimeWindow? AirLeg { get; init; }

    /// <summary>Cabin pressure of the air leg at cruise, hPa.</summary>
    public double CabinHpa { get; init; } = 790.0;

    /// <summary>Times without network coverage (below deck, remote yard).</summary>
    public IReadOnlyList<TimeWindow> Offline { get; init; } = [];

    /// <summary>Handling shocks in time order.</summary>
    public IReadOnlyList<Shock> Shocks { get; init; } = [];

    /// <summary>Times of cold reboots (brown-out, watchdog): the boot counter moves on and the RTC restarts unsynced.</summary>
    public IReadOnlyList<long> ColdReboots { get; init; } = [];

    /// <summary>
    /// Times when the network is up but SNTP gets no reply (a port's Wi-Fi that blocks NTP). A tag whose clock is
    /// unsynced then reports with a0 (docs/protocol.md 7.1) and stays unsynced until a session outside these windows.
    /// </summary>
    public IReadOnlyList<TimeWindow> SntpOutages { get; init; } = [];

    /// <summary>Background vibration peak (g) between shocks, sea/road.</summary>
    public double VibrationG { get; init; } = 0.08;

    /// <summary>Cell charge at the start of the voyage, 0..1.</summary>
    public double InitialStateOfCharge { get; init; } = 0.9;

    /// <summary>Probability that one BME280 channel fails in a measurement (returns NaN).</summary>
    public double SensorFailureRate { get; init; } = 0.0005;

    /// <summary>Standard deviation of the temperature reading's noise, degC (BME280 at 1x oversampling: about 0.05).</summary>
    public double TemperatureNoiseC { get; init; } = 0.05;

    /// <summary>Seed of the tag's measurement-noise source (separate from the scenario draw).</summary>
    public int NoiseSeed { get; init; }

    private const long Hour = 3_600_000;
    private const long Minute = 60_000;

    /// <summary>Draws a scenario. Offline windows and shocks avoid the first two hours so every tag syncs its clock first.</summary>
    public static TagScenario Generate(Random rng, long startMs, long durationMs)
    {
        long end = startMs + durationMs;
        double days = durationMs / 86_400_000.0;
        long Uniform(long from, long to) => from >= to ? from : from + (long)(rng.NextDouble() * (to - from));
        long settled = startMs + 2 * Hour;

        var doors = new List<TimeWindow>();
        var shocks = new List<Shock>();
        // loading at the origin and unloading at the destination: door open, container lifted
        AddHandling(startMs + Uniform(20 * Minute, 90 * Minute));
        AddHandling(end - Uniform(30 * Minute, 3 * Hour));
        int inspections = (int)(days / 6 + rng.NextDouble());
        for (int i = 0; i < inspections; i++) AddHandling(Uniform(settled, end - 3 * Hour));
        int bumps = (int)(days * 0.7 + rng.NextDouble());
        for (int i = 0; i < bumps; i++) shocks.Add(new Shock(Uniform(settled, end), 0.8 + rng.NextDouble() * 2.5));

        void AddHandling(long at)
        {
            if (at < startMs || at >= end) return;
            long open = Uniform(5 * Minute, 25 * Minute);
            doors.Add(new TimeWindow(at, at + open));
            // lifted by a spreader or forklift: a hard bump on set-down, sometimes a second one
            shocks.Add(new Shock(at + open + Uniform(Minute, 20 * Minute), 3.0 + rng.NextDouble() * 6.0));
            if (rng.NextDouble() < 0.4) shocks.Add(new Shock(at + open + Uniform(25 * Minute, 60 * Minute), 1.5 + rng.NextDouble() * 4.0));
        }

        long failure = long.MaxValue;
        if (rng.NextDouble() < 0.1 && durationMs > 8 * Hour) failure = Uniform(startMs + durationMs / 4, end - 4 * Hour);

        TimeWindow? air = null;
        if (rng.NextDouble() < 0.1 && durationMs > 16 * Hour)
        {
            long leg = Uniform(5 * Hour, 14 * Hour);
            long at = Uniform(settled, end - leg - Hour);
            air = new TimeWindow(at, at + leg);
        }

        var offline = new List<TimeWindow>();
        if (rng.NextDouble() < 0.25 && durationMs > 8 * Hour)
        {
            int gaps = 1 + (int)(rng.NextDouble() * Math.Min(3, days));
            for (int i = 0; i < gaps; i++)
            {
                long length = Uniform(2 * Hour, 14 * Hour);
                long at = Uniform(settled, Math.Max(settled, end - length));
                offline.Add(new TimeWindow(at, Math.Min(end, at + length)));
            }
            offline.Sort((a, b) => a.StartMs.CompareTo(b.StartMs));
        }

        // about one tag in five resets; each reset takes one of the unsynced-clock paths of protocol.md section 7:
        // - no NTP reply for hours after the reset: the new boot's readings go out with a0 until a sync;
        // - a second reset in the same coverage gap: the first reset's readings never saw a sync, so they go out
        //   with t_est once the clock is synced again;
        // - a plain reset: synced in the first session, the readings go out with exact t0.
        var reboots = new List<long>();
        var sntpOutages = new List<TimeWindow>();
        if (rng.NextDouble() < 0.2 && durationMs > 12 * Hour)
        {
            long at = Uniform(settled, end - 8 * Hour);
            reboots.Add(at);
            double path = rng.NextDouble();
            if (path < 1 / 3.0)
            {
                sntpOutages.Add(new TimeWindow(at - 30 * Minute, at + Uniform(2 * Hour, 5 * Hour)));
            }
            else if (path < 2 / 3.0)
            {
                var gap = new TimeWindow(at - Hour, at + Uniform(4 * Hour, 7 * Hour));
                offline.Add(gap);
                offline.Sort((a, b) => a.StartMs.CompareTo(b.StartMs));
                reboots.Add(at + (gap.EndMs - at) / 2);
            }
        }

        doors.Sort((a, b) => a.StartMs.CompareTo(b.StartMs));
        shocks.Sort((a, b) => a.AtMs.CompareTo(b.AtMs));
        // a few tags start on a weak cell that runs into the low-battery threshold
        double soc = rng.NextDouble() < 0.05 ? 0.02 + rng.NextDouble() * 0.02 : 0.6 + rng.NextDouble() * 0.4;
        return new TagScenario
        {
            StartMs = startMs,
            EndMs = end,
            SetPointC = Math.Round(3.0 + rng.NextDouble() * 3.0, 1),
            AmbientC = 16 + rng.NextDouble() * 16,
            BaseHumidityPct = 75 + rng.NextDouble() * 17,
            AmbientHumidityPct = 50 + rng.NextDouble() * 30,
            SeaLevelHpa = 1008 + rng.NextDouble() * 10,
            WeatherAmplitudeHpa = 3 + rng.NextDouble() * 9,
            WeatherPeriodMs = Uniform(3 * 24 * Hour, 7 * 24 * Hour),
            WeatherPhase = rng.NextDouble() * 2 * Math.PI,
            CompressorPhase = rng.NextDouble() * 2 * Math.PI,
            DoorOpenings = doors,
            CompressorFailureAtMs = failure,
            AirLeg = air,
            CabinHpa = 760 + rng.NextDouble() * 80,
            Offline = offline,
            Shocks = shocks,
            ColdReboots = reboots,
            SntpOutages = sntpOutages,
            VibrationG = 0.03 + rng.NextDouble() * 0.1,
            InitialStateOfCharge = soc,
            NoiseSeed = rng.Next(),
        };
    }

    /// <summary>
    /// A scenario for measuring the rules' predictive warnings: one thing happens (see <see cref="ScenarioKind"/>) on a
    /// reefer at 3-6 C, with loading and unloading door openings and no coverage gaps, resets or air leg, so every
    /// alarm comes from what the kind says. Reproducible for the state of <paramref name="rng"/>.
    /// </summary>
    public static TagScenario ForMeasurement(ScenarioKind kind, Random rng, long startMs, long durationMs)
    {
        if (!MeasurementKinds.Contains(kind)) throw new ArgumentException($"{kind} is not a measurement scenario", nameof(kind));
        long end = startMs + durationMs;
        long Uniform(long from, long to) => from >= to ? from : from + (long)(rng.NextDouble() * (to - from));
        double setPoint = Math.Round(3.0 + (rng.NextDouble() * 3.0), 1);
        double ambient = 16 + (rng.NextDouble() * 16);
        var doors = new List<TimeWindow>
        {
            // loading and unloading, as every voyage
            Door(startMs + Uniform(20 * Minute, 90 * Minute), Uniform(5 * Minute, 20 * Minute)),
            Door(end - Uniform(30 * Minute, 3 * Hour), Uniform(5 * Minute, 20 * Minute)),
        };
        long failure = long.MaxValue;
        double noise = 0.05;
        switch (kind)
        {
            case ScenarioKind.CompressorFailure:
                if (durationMs < 16 * Hour) throw new ArgumentException("a compressor-failure scenario needs at least 16 h", nameof(durationMs));
                // Warming starts at 1-3 degC/h (ReeferModel: (ambient - set point) / 10 h); the failure leaves 12 h
                // before the end so the alarm it causes comes within the run.
                ambient = setPoint + ((1 + (rng.NextDouble() * 2)) * FailureTauHours);
                failure = Uniform(startMs + (durationMs / 4), end - (12 * Hour));
                break;
            case ScenarioKind.DoorOpenings:
                // Inspections, partial unloading, a stuck door: 2-6 a day, mostly short; a long one can raise a real alarm.
                int n = (int)(durationMs / (24 * Hour) * (2 + (rng.NextDouble() * 4)));
                for (int i = 0; i < n; i++)
                {
                    long open = rng.NextDouble() < 0.8 ? Uniform(Minute, 8 * Minute) : Uniform(8 * Minute, 25 * Minute);
                    doors.Add(Door(Uniform(startMs + (2 * Hour), end - Hour), open));
                }
                break;
            case ScenarioKind.Noise:
                // A poorly placed or failing sensor: 0.1-0.3 degC of noise.
                noise = 0.1 + (rng.NextDouble() * 0.2);
                break;
        }
        return OfKind(kind, rng, startMs, end, setPoint, ambient, doors, failure, new TagScenario { TemperatureNoiseC = noise });

        static TimeWindow Door(long at, long open) => new(at, at + open);
    }

    /// <summary>The kinds <see cref="ForMeasurement"/> draws (the predictive-warning benchmark runs each).</summary>
    public static IReadOnlyList<ScenarioKind> MeasurementKinds { get; } = [ScenarioKind.CompressorFailure, ScenarioKind.DoorOpenings, ScenarioKind.Noise];

    /// <summary>The kinds <see cref="ForFleet"/> draws, in the order the fleet's scenario containers take them.</summary>
    public static IReadOnlyList<ScenarioKind> FleetKinds { get; } =
        [ScenarioKind.CompressorFailure, ScenarioKind.RoughHandling, ScenarioKind.AirLeg, ScenarioKind.TagSilent, ScenarioKind.DoorOpenings];

    /// <summary>Shocks the fleet scenarios give, at or over this, count as rough handling (the pharma profile's and the tag's default 4 g).</summary>
    public const double RoughG = 4.0;

    /// <summary>
    /// A scenario container of the fleet (<c>--scenarios</c>): a reefer at 3-6 C in 12-18 C outside air with short (2-5 min)
    /// loading and unloading door openings and gentle handling (shocks below <see cref="RoughG"/>), no coverage gaps,
    /// resets, weak cell or sensor dropouts,
    /// and one thing that happens, early enough to be seen within the run (so in its first half, where a test can
    /// restart the gateway after it):
    /// <list type="bullet">
    /// <item><see cref="ScenarioKind.CompressorFailure"/>: the unit stops between an eighth and a fifth of the run; the
    /// load warms at 2-3 degC/h at first towards the outside air (23-36 C; no loading door).</item>
    /// <item><see cref="ScenarioKind.RoughHandling"/>: 4-7 shocks of exactly 4 g (the inclusive threshold) to 12 g spread
    /// over the run, at least 20 min apart (the tag debounces 60 s), and two gentle ones of 2-3.9 g.</item>
    /// <item><see cref="ScenarioKind.AirLeg"/>: a leg of 3 h to a third of the run at 750-850 hPa cabin pressure, starting
    /// after the first two hours and ending at least 1 h before the end.</item>
    /// <item><see cref="ScenarioKind.TagSilent"/>: the tag goes silent between a third and half of the run.</item>
    /// <item><see cref="ScenarioKind.DoorOpenings"/>: 2-6 short openings a day (1-5 min) besides loading and unloading.</item>
    /// </list>
    /// Needs at least 8 h. Reproducible for the state of <paramref name="rng"/>.
    /// </summary>
    public static TagScenario ForFleet(ScenarioKind kind, Random rng, long startMs, long durationMs)
    {
        if (durationMs < 8 * Hour) throw new ArgumentException("a fleet scenario needs at least 8 h", nameof(durationMs));
        if (kind == ScenarioKind.Noise) throw new ArgumentException("noise is a measurement scenario only", nameof(kind));
        long end = startMs + durationMs;
        long Uniform(long from, long to) => from >= to ? from : from + (long)(rng.NextDouble() * (to - from));
        double setPoint = Math.Round(3.0 + (rng.NextDouble() * 3.0), 1);
        // A temperate port and quick doors: an opening warms the load by at most about 7 degC (ReeferModel: 1 - e^(-5/8)
        // of the 15 degC difference) and it is back under 8 C within about 20 min, so doors alone raise no pharma alarm
        // (8 C for 30 min, 15 C at once): on these containers only what the kind says raises alerts.
        double ambient = 12 + (rng.NextDouble() * 6);
        var doors = new List<TimeWindow>
        {
            Door(startMs + Uniform(20 * Minute, 60 * Minute), Uniform(2 * Minute, 5 * Minute)),
            Door(end - Uniform(40 * Minute, 90 * Minute), Uniform(2 * Minute, 5 * Minute)),
        };
        // lifted on and off: gentle set-downs after the loading and before the unloading door
        var shocks = new List<Shock>
        {
            new(doors[0].EndMs + Uniform(2 * Minute, 10 * Minute), Gentle()),
            new(doors[1].StartMs - Uniform(5 * Minute, 15 * Minute), Gentle()),
        };
        long failure = long.MaxValue, silent = long.MaxValue;
        TimeWindow? air = null;
        double cabin = 760 + (rng.NextDouble() * 80);
        switch (kind)
        {
            case ScenarioKind.CompressorFailure:
                // 2-3 degC/h at first: from a 3 C set point the 8 C alarm (30 min delay) comes within 3.5 h of the failure,
                // so before the run's half in a 12 h run.
                ambient = setPoint + ((2 + rng.NextDouble()) * FailureTauHours);
                failure = Uniform(startMs + (durationMs / 8), startMs + (durationMs / 5));
                // Loaded before the tag was switched on: a loading door towards this hot outside air would be an
                // excursion of its own (the unloading door comes when the load is warm already).
                doors.RemoveAt(0);
                break;
            case ScenarioKind.RoughHandling:
                // Spread over the run in slots of equal length, one shock per slot, so they are at least 20 min apart.
                int n = 4 + rng.Next(4);
                long slot = (durationMs - (2 * Hour)) / n;
                for (int i = 0; i < n; i++)
                {
                    double g = i == 0 ? RoughG : Math.Round(RoughG + 0.5 + (rng.NextDouble() * 7.5), 2);
                    shocks.Add(new Shock(startMs + Hour + (i * slot) + Uniform(10 * Minute, slot - (10 * Minute)), g));
                }
                break;
            case ScenarioKind.AirLeg:
                long leg = Uniform(3 * Hour, Math.Max(3 * Hour, durationMs / 3));
                long at = Uniform(startMs + (2 * Hour), end - leg - Hour);
                air = new TimeWindow(at, at + leg);
                break;
            case ScenarioKind.TagSilent:
                silent = Uniform(startMs + (durationMs / 3), startMs + (durationMs / 2));
                break;
            case ScenarioKind.DoorOpenings:
                int openings = (int)(durationMs / (24.0 * Hour) * (2 + (rng.NextDouble() * 4))) + 1;
                for (int i = 0; i < openings; i++) doors.Add(Door(Uniform(startMs + (2 * Hour), end - (2 * Hour)), Uniform(Minute, 5 * Minute)));
                break;
        }
        shocks.Sort((a, b) => a.AtMs.CompareTo(b.AtMs));
        return OfKind(kind, rng, startMs, end, setPoint, ambient, doors, failure,
            new TagScenario { AirLeg = air, CabinHpa = cabin, Shocks = shocks, SilentFromMs = silent, SensorFailureRate = 0 });

        // below the rough threshold by a margin the tag's peak (vibration is under 0.2 g) cannot close
        double Gentle() => Math.Round(2.0 + (rng.NextDouble() * 1.5), 2);
        static TimeWindow Door(long at, long open) => new(at, at + open);
    }

    /// <summary>
    /// A scenario of a kind (<see cref="ForMeasurement"/>, <see cref="ForFleet"/>) from what the kind decided, completed by
    /// the draws both make alike, after the kind's own and in this order: humidity inside and outside, sea-level pressure,
    /// weather and compressor phases, then the noise seed. The order is every seed's voyage (ScenarioDrawGoldenTests holds
    /// it). <paramref name="extras"/> carries what only some kinds set (noise, air leg, cabin, shocks, silence, sensor
    /// failures); what it leaves alone keeps the defaults.
    /// </summary>
    private static TagScenario OfKind(ScenarioKind kind, Random rng, long startMs, long endMs, double setPointC, double ambientC,
        List<TimeWindow> doors, long failureAtMs, TagScenario extras)
    {
        doors.Sort((a, b) => a.StartMs.CompareTo(b.StartMs));
        return new TagScenario
        {
            Kind = kind,
            StartMs = startMs,
            EndMs = endMs,
            SetPointC = setPointC,
            AmbientC = ambientC,
            BaseHumidityPct = 75 + (rng.NextDouble() * 17),
            AmbientHumidityPct = 50 + (rng.NextDouble() * 30),
            SeaLevelHpa = 1008 + (rng.NextDouble() * 10),
            WeatherPhase = rng.NextDouble() * 2 * Math.PI,
            CompressorPhase = rng.NextDouble() * 2 * Math.PI,
            DoorOpenings = doors,
            CompressorFailureAtMs = failureAtMs,
            TemperatureNoiseC = extras.TemperatureNoiseC,
            AirLeg = extras.AirLeg,
            CabinHpa = extras.CabinHpa,
            Shocks = extras.Shocks,
            SilentFromMs = extras.SilentFromMs,
            SensorFailureRate = extras.SensorFailureRate,
            InitialStateOfCharge = 0.9,
            NoiseSeed = rng.Next(),
        };
    }

    private const double FailureTauHours = ReeferModel.FailureTauMs / Hour;

    public bool IsSntpBlocked(long ms)
    {
        foreach (var w in SntpOutages)
        {
            if (w.Contains(ms)) return true;
        }
        return false;
    }

    public bool IsOffline(long ms)
    {
        foreach (var w in Offline)
        {
            if (w.Contains(ms)) return true;
        }
        return false;
    }
}
