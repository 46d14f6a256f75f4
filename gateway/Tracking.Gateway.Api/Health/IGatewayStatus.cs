using System.Text;

namespace Tracking.Gateway.Api.Health;

/// <summary>What the health and metrics endpoints need from the pipeline, and nothing more.</summary>
public interface IGatewayStatus
{
    /// <summary>Empty when healthy, else one reason per problem, in words an operator can act on.</summary>
    IReadOnlyList<string> HealthProblems();

    /// <summary>Appends the Prometheus text exposition (version 0.0.4) of every counter and gauge.</summary>
    void WriteMetrics(StringBuilder text);
}
