using TagSimulator.Uplink;

namespace Tracking.Dashboard.Tests;

/// <summary>
/// Passes on the messages of one tag of a simulated fleet and acknowledges the others' without sending them, so a test
/// adds one scenario container to the shared fleet and leaves the other pages' counts as they were.
/// </summary>
public sealed class OnlyTagTransport(IBrokerTransport inner, int tagIndex) : IBrokerTransport
{
    public bool IsConnected => inner.IsConnected;

    public Task<bool> PublishAsync(int tagIndex1, string topic, byte[] payload, bool retain) =>
        tagIndex1 == tagIndex ? inner.PublishAsync(tagIndex1, topic, payload, retain) : Task.FromResult(true);

    public byte[]? RetainedMessage(string topic) => inner.RetainedMessage(topic);
}
