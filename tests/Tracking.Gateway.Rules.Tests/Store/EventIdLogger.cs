using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>Keeps the event id and message of every entry logged to it, from any thread.</summary>
internal sealed class EventIdLogger : ILogger
{
    private readonly List<(int Id, string Message)> _entries = [];

    public IReadOnlyList<(int Id, string Message)> Entries
    {
        get
        {
            lock (_entries) return [.. _entries];
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries) _entries.Add((eventId.Id, formatter(state, exception)));
    }
}
