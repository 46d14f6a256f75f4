using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>Records the event id of every message logged.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<int> _events = new();

    public IReadOnlyList<int> Events => [.. _events];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _events.Enqueue(eventId.Id);
}
