using System.Text;
using Tracking.Gateway.Api.Health;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>A pipeline with nothing to report: the health endpoints need a status, the rules API does not look at it.</summary>
public sealed class HealthyStatus : IGatewayStatus
{
    public IReadOnlyList<string> HealthProblems() => [];

    public void WriteMetrics(StringBuilder text)
    {
    }
}
