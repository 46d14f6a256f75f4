using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Alerts.Config;

/// <summary>
/// One job of <see cref="MqttTagConfigPublisher"/>: an assignment to publish (<see cref="Tag"/> null; the container may
/// be a fleet default) or a tag seen for the first time since the start.
/// </summary>
internal readonly record struct ConfigWork(ContainerKey Container, string? Tag);
