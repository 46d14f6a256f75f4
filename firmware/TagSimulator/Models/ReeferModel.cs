using ContainerTag.Core.Hardware;
using TagSimulator.Time;

namespace TagSimulator.Models;

/// <summary>
/// The BME280 inside a reefer container: the air temperature held at the set point by a cycling
/// compressor, pulled towards the outside air while a door is open and after a compressor failure;
/// humidity following the same mixing; pressure from slow weather or the aircraft cabin on an air leg.
/// Values are pure functions of the simulated time plus the tag's own noise source.
/// </summary>
public sealed class ReeferModel : IEnvironmentSensor
{
    /// <summary>Forced-mode conversion at 1x oversampling on all channels (Bosch datasheet, 9.3 ms max).</summary>
    public const long MeasurementMs = 10;

    private const double DoorOpenTauMs = 8 * 60_000.0;
    private const double DoorCloseTauMs = 12 * 60_000.0;
    /// <summary>
    /// Time constant of the warming after a compressor failure: the air starts rising at (ambient - set point) / 10 h,
    /// 1-3 degC/h for a 2-8 C load in 15-35 C air.
    /// </summary>
    public const double FailureTauMs = 10 * 3_600_000.0;
    private const double CompressorCycleMs = 40 * 60_000.0;
    private const double AirRampMs = 25 * 60_000.0;

    private readonly TagScenario _scenario;
    private readonly SimClock _clock;
    private readonly Random _noise;

    public ReeferModel(TagScenario scenario, SimClock clock, Random noise)
    {
        _scenario = scenario;
        _clock = clock;
        _noise = noise;
    }

    public void Read(out double temperatureC, out double humidityPct, out double pressureHpa)
    {
        long t = _clock.SimNowMs;
        _clock.Advance(MeasurementMs);
        temperatureC = TemperatureAt(t) + Gaussian() * _scenario.TemperatureNoiseC;
        humidityPct = Math.Clamp(HumidityAt(t) + Gaussian() * 0.4, 0, 100);
        pressureHpa = PressureAt(t) + Gaussian() * 0.12;
        if (_noise.NextDouble() < _scenario.SensorFailureRate) humidityPct = double.NaN;
        if (_noise.NextDouble() < _scenario.SensorFailureRate / 4) temperatureC = double.NaN;
    }

    /// <summary>How far (0..1) the inside air has mixed with the outside air at time t.</summary>
    public double MixingAt(long t)
    {
        double mix = 0;
        foreach (var door in _scenario.DoorOpenings)
        {
            if (t < door.StartMs) break;
            double open = Math.Min(t, door.EndMs) - door.StartMs;
            double reached = 1 - Math.Exp(-open / DoorOpenTauMs);
            if (t > door.EndMs) reached *= Math.Exp(-(t - door.EndMs) / DoorCloseTauMs);
            mix = Math.Max(mix, reached);
        }
        if (t >= _scenario.CompressorFailureAtMs)
        {
            mix = Math.Max(mix, 1 - Math.Exp(-(t - _scenario.CompressorFailureAtMs) / FailureTauMs));
        }
        return mix;
    }

    /// <summary>Noise-free air temperature.</summary>
    public double TemperatureAt(long t)
    {
        bool cooling = t < _scenario.CompressorFailureAtMs;
        double cycle = cooling ? 0.35 * Math.Sin(2 * Math.PI * t / CompressorCycleMs + _scenario.CompressorPhase) : 0;
        double mix = MixingAt(t);
        return _scenario.SetPointC + cycle + mix * (_scenario.AmbientC - _scenario.SetPointC);
    }

    public double HumidityAt(long t)
    {
        double mix = MixingAt(t);
        return _scenario.BaseHumidityPct + mix * (_scenario.AmbientHumidityPct - _scenario.BaseHumidityPct);
    }

    /// <summary>Noise-free pressure: weather at sea level, or the cabin with climb and descent ramps on the air leg.</summary>
    public double PressureAt(long t)
    {
        double ground = _scenario.SeaLevelHpa
            + _scenario.WeatherAmplitudeHpa * Math.Sin(2 * Math.PI * t / _scenario.WeatherPeriodMs + _scenario.WeatherPhase);
        if (_scenario.AirLeg is not { } leg || !leg.Contains(t)) return ground;
        double sinceTakeOff = t - leg.StartMs;
        double toLanding = leg.EndMs - t;
        double f = Math.Min(1, Math.Min(sinceTakeOff, toLanding) / AirRampMs);
        return ground + f * (_scenario.CabinHpa - ground);
    }

    private double Gaussian()
    {
        // Box-Muller from the tag's own source: reproducible for a seed
        double u1 = 1.0 - _noise.NextDouble();
        double u2 = _noise.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
