using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>Keeps every log line with its event id, to check what the API says at start and on failures.</summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Collector(Lines);

    public void Dispose()
    {
    }

    private sealed class Collector(ConcurrentQueue<(int, LogLevel, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
