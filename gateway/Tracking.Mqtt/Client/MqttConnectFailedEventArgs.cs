namespace Tracking.Mqtt;

/// <summary>
/// One failed connect attempt: of <see cref="MqttClient.ConnectWithRetryAsync"/> (<see cref="Reconnect"/> false) or of
/// an automatic reconnect. <see cref="Attempt"/> counts from 1 in each; the client tries again after <see cref="RetryIn"/>.
/// </summary>
public sealed record MqttConnectFailedEventArgs(Exception Error, int Attempt, bool Reconnect, TimeSpan RetryIn);
