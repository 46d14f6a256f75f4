using System.Collections.Concurrent;
using System.Text.Json;
using Tracking.Gateway.Alerts.Mqtt;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>A broker that holds every publish until opened, and records what it took.</summary>
internal sealed class GatedAlertPublisher : IAlertPublisher
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<(string Topic, byte[] Payload)> _published = new();

    public GatedAlertPublisher(bool open)
    {
        if (open) _open.SetResult();
    }

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _open.TrySetResult();

    public async ValueTask<string?> PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken ct)
    {
        Entered.TrySetResult();
        await _open.Task.WaitAsync(ct);
        _published.Enqueue((topic, payload.ToArray()));
        return null;
    }

    /// <summary>Every event on the alert topic (alert changes and predictive warnings: not the summaries), id and state, in order.</summary>
    public (string Id, string State)[] Events() =>
    [
        .. _published.Where(p => p.Topic.EndsWith("/alert", StringComparison.Ordinal))
            .Select(p => JsonDocument.Parse(p.Payload).RootElement)
            .Select(e => (e.GetProperty("id").GetString()!, e.GetProperty("state").GetString()!)),
    ];

    /// <summary>The alert ids of the alert events published (not the summaries, not warnings), in order.</summary>
    public string[] EventIds() =>
    [
        .. _published.Where(p => p.Topic.EndsWith("/alert", StringComparison.Ordinal))
            .Select(p => JsonDocument.Parse(p.Payload).RootElement)
            .Where(e => e.GetProperty("state").GetString() is "raised" or "cleared")
            .Select(e => e.GetProperty("id").GetString()!),
    ];
}
