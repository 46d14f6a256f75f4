namespace Tracking.Mqtt;

/// <summary>
/// Decides whether the receive loop pauses before its next socket read (<see cref="MqttClientOptions.ReceiveCoalesceDelay"/>).
/// Under load every small read costs a wake-up of the socket's event thread and of a pool thread for a few messages
/// (issue 11: about 9 messages per receive, one context switch per 3 messages); pausing lets the next read take
/// what arrived meanwhile in one go. Only a read that found its data at once (waited less than the delay: the
/// connection is busy) and brought little (less than <see cref="SmallReadBytes"/>) is followed by a pause, so an idle
/// connection's first message, and the ones after a quiet spell, are read as soon as they arrive.
/// </summary>
internal static class ReceiveCoalescing
{
    /// <summary>A read of at least this much already carries many messages: no pause after it.</summary>
    public const int SmallReadBytes = 4 * 1024;

    /// <summary>True when the loop should wait <paramref name="delay"/> before reading again.</summary>
    /// <param name="bytes">What the read returned (including a partial packet kept from the read before).</param>
    /// <param name="waited">How long the read waited for data.</param>
    /// <param name="delay">The configured pause; zero turns coalescing off.</param>
    public static bool ShouldPause(long bytes, TimeSpan waited, TimeSpan delay) =>
        delay > TimeSpan.Zero && bytes < SmallReadBytes && waited < delay;
}
