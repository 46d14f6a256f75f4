namespace Tracking.Gateway.Api.Live;

/// <summary>One bucket of <see cref="ILiveHistory.DownsampleAsync"/>; NaN where a sensor had no value in it.</summary>
public sealed record ReadingBucket(DateTimeOffset Start, long Count, double TempMin, double TempMax, double TempMean, double RhMin,
    double RhMax, double RhMean, double PressureMin, double PressureMax, double PressureMean, double PeakGMax);
