using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Alerts.Config;

/// <summary>
/// One job of <see cref="MqttTagConfigPublisher"/>: an assignment to publish (<see cref="Tag"/> null; the container may
/// be a fleet default), a tag seen for the first time since the start, or a changed profile (<see cref="ChangedProfile"/>:
/// every known container it is in force for).
/// </summary>
internal readonly record struct ConfigWork(ContainerKey Container, string? Tag, string? ChangedProfile = null);
