using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Api.Live;

/// <summary>Bounds that keep the stream's memory finite and its timers sensible.</summary>
internal sealed class LiveOptionsValidator : IValidateOptions<LiveOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveOptions o)
    {
        List<string> failures = [];
        if (o.StreamWindow is < 100 or > 1_000_000) failures.Add($"Live:StreamWindow {o.StreamWindow} must be 100 to 1000000 readings and events");
        if (o.ClientQueue is < 10 or > 100_000) failures.Add($"Live:ClientQueue {o.ClientQueue} must be 10 to 100000 readings and events");
        // 3: the first reading of a new table names its container, its tag and their stream.
        if (o.StreamNames is < 3 or > 1_000_000) failures.Add($"Live:StreamNames {o.StreamNames} must be 3 to 1000000 names and streams");
        if (o.StreamBatch < TimeSpan.Zero || o.StreamBatch > TimeSpan.FromSeconds(1))
        {
            failures.Add($"Live:StreamBatch {o.StreamBatch} must be 0 (an event per message) to 1 s");
        }
        if (o.StreamWriteInterval < TimeSpan.Zero || o.StreamWriteInterval > TimeSpan.FromSeconds(1))
        {
            failures.Add($"Live:StreamWriteInterval {o.StreamWriteInterval} must be 0 (a write whenever events wait) to 1 s");
        }
        if (o.Heartbeat < TimeSpan.FromSeconds(1) || o.Heartbeat > TimeSpan.FromMinutes(5)) failures.Add($"Live:Heartbeat {o.Heartbeat} must be 1 s to 5 min");
        if (o.RefreshInterval < TimeSpan.FromMilliseconds(100) || o.RefreshInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"Live:RefreshInterval {o.RefreshInterval} must be 100 ms to 1 h");
        }
        if (o.RefillLookback < TimeSpan.Zero || o.RefillLookback > TimeSpan.FromDays(3660))
        {
            failures.Add($"Live:RefillLookback {o.RefillLookback} must be 0 (no refill) to 3660 days");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
