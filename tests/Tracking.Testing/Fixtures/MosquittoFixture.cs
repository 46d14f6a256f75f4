using Xunit;

namespace Tracking.Testing;

/// <summary>One private mosquitto broker (default options) shared by a test class or collection.</summary>
public sealed class MosquittoFixture : IAsyncLifetime
{
    private MosquittoServer? _server;

    public MosquittoServer Server => _server ?? throw new InvalidOperationException("MosquittoFixture is not initialised yet.");

    public async Task InitializeAsync() => _server = await MosquittoServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
