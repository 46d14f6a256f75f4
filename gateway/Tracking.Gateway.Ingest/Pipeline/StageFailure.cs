namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>
/// The first of the pipeline's stages (writer, ingest, consumers, stats, takeover pump) that failed: a stage that throws,
/// or ends while nobody stopped it, is recorded here and cancels the pipeline, so that the rest stops too instead of
/// waiting forever beside a dead stage. <see cref="GatewayService"/> then stops the process with exit code 1 (a
/// supervisor restarts it; what was not acknowledged the broker delivers again, what was not confirmed the spool replays).
/// </summary>
internal sealed class StageFailure(CancellationTokenSource pipelineStop)
{
    private readonly object _sync = new();

    /// <summary>The stage that failed first, or null.</summary>
    public string? Stage { get; private set; }

    /// <summary>Why it failed.</summary>
    public Exception? Error { get; private set; }

    /// <summary>
    /// A task that completes (never faults) when <paramref name="task"/> does, having recorded a failure: an exception
    /// other than the cancellation of <paramref name="stop"/>, or an end before <paramref name="stop"/> was cancelled.
    /// </summary>
    public Task Watch(string stage, Task task, CancellationToken stop) => WatchAsync(stage, task, stop);

    private async Task WatchAsync(string stage, Task task, CancellationToken stop)
    {
        try
        {
            await task.ConfigureAwait(false);
            if (!stop.IsCancellationRequested) Record(stage, new InvalidOperationException($"the {stage} stage ended although nothing stopped it"));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Record(stage, ex);
        }
    }

    private void Record(string stage, Exception error)
    {
        lock (_sync)
        {
            if (Stage is not null) return;
            Stage = stage;
            Error = error;
        }

        try
        {
            pipelineStop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The pipeline is over already.
        }
    }
}
