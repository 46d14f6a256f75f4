using Xunit;

namespace Tracking.Testing;

/// <summary>One private aedes broker shared by a test class or collection.</summary>
public sealed class AedesFixture : IAsyncLifetime
{
    private AedesServer? _server;

    public AedesServer Server => _server ?? throw new InvalidOperationException("AedesFixture is not initialised yet.");

    public async Task InitializeAsync() => _server = await AedesServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
