namespace Tracking.Influx.Tests.RealServer;

/// <summary>Calls back whenever a request fails at the network level (e.g. connection refused).</summary>
internal sealed class FailureSignallingHandler(Action onFailure) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            onFailure();
            throw;
        }
    }
}
