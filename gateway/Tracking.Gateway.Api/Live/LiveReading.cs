namespace Tracking.Gateway.Api.Live;

/// <summary>One reading as the live view takes it: device time in Unix ms, NaN for a sensor without a value.</summary>
public readonly record struct LiveReading(long TimeMs, double TemperatureC, double HumidityPct, double PressureHpa, double PeakG);
