namespace Tracking.Mqtt;

/// <summary>An operation needs a connection and there is none (or it was lost while waiting).</summary>
public sealed class MqttNotConnectedException(string message, Exception? inner = null) : Exception(message, inner);
