namespace Tracking.Gateway.Ingest.Observability;

/// <summary>What /healthz reports (<see cref="Problems"/>, empty when healthy) and the values /metrics shows for it.</summary>
public sealed record HealthSnapshot(
    IReadOnlyList<string> Problems,
    double InfluxUnreachableSeconds,
    double SpoolFillRatio,
    bool SpoolBlocked,
    double DeadLettersPerMinute,
    double WriterStalledSeconds = 0)
{
    public bool Ok => Problems.Count == 0;
}
