namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>A pipeline stage failed (<see cref="StageFailure"/>): the gateway stops with exit code 1.</summary>
public sealed class StageFailedException(string stage, Exception inner)
    : Exception($"the {stage} stage failed: {inner.GetType().Name}: {inner.Message}", inner)
{
    /// <summary>writer, ingest, stats, takeover pump or consumer NAME.</summary>
    public string Stage { get; } = stage;
}
