using System.Text;
using Tracking.Gateway.Api.Health;
using Tracking.Gateway.Ingest.Pipeline;

namespace Tracking.Gateway;

/// <summary>Hands the API the pipeline's health and metrics, so Tracking.Gateway.Api needs no ingest types.</summary>
internal sealed class IngestStatus(GatewayService gateway) : IGatewayStatus
{
    public IReadOnlyList<string> HealthProblems() => gateway.HealthProblems();

    public void WriteMetrics(StringBuilder text) => gateway.WriteMetrics(text);
}
