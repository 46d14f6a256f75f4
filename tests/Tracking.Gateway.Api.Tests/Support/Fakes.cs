using Tracking.Gateway.Rules.Store;
using Tracking.Testing;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>What an <see cref="ApiHost"/> puts in place of the real services, made before the host takes them.</summary>
public sealed record Fakes(InMemoryRuleStore Store, ManualTimeProvider Time, RecordingListener Listener, RecordingAlertSink Sink,
    CollectingLoggerProvider Logs);
