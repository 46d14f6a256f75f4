using Microsoft.Extensions.Logging;

namespace Tracking.Mqtt;

public sealed partial class MqttClient
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "MQTT connected to {Host}:{Port} ({Version}, clean start {Clean}, session present {SessionPresent})")]
    private partial void LogConnected(string host, int port, MqttProtocolVersion version, bool clean, bool sessionPresent);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "MQTT connection lost: {Reason}; reconnecting: {Reconnect}")]
    private partial void LogConnectionLost(string reason, bool reconnect);

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "MQTT disconnected by the application")]
    private partial void LogDisconnected();

    [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "MQTT reconnected after {Attempts} attempt(s)")]
    private partial void LogReconnected(int attempts);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "MQTT reconnect attempt {Attempt} (after {DelayMs:0} ms) failed: {Error}")]
    private partial void LogReconnectFailed(int attempt, double delayMs, string error);

    [LoggerMessage(EventId = 605, Level = LogLevel.Error, Message = "MQTT protocol error from the server, closing the connection ({Reason}): {Detail}")]
    private partial void LogProtocolError(MqttReasonCode reason, string detail);

    [LoggerMessage(EventId = 606, Level = LogLevel.Information, Message = "MQTT resending {Count} unacknowledged message(s) (session present {SessionPresent})")]
    private partial void LogResending(int count, bool sessionPresent);

    [LoggerMessage(EventId = 607, Level = LogLevel.Information, Message = "MQTT subscribed again to {Count} filter(s) on a new session")]
    private partial void LogResubscribed(int count);

    [LoggerMessage(EventId = 608, Level = LogLevel.Error, Message = "MQTT server refused the renewed subscription to '{Filter}': {Code}")]
    private partial void LogResubscribeRefused(string filter, MqttReasonCode code);

    [LoggerMessage(EventId = 610, Level = LogLevel.Error, Message = "MQTT receive loop failed; reconnecting")]
    private partial void LogReceiveFailed(Exception error);

    [LoggerMessage(EventId = 609, Level = LogLevel.Debug, Message = "MQTT {Type} for unknown packet identifier {PacketId} ignored")]
    private partial void LogUnexpectedAck(MqttPacketType type, ushort packetId);

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "MQTT connect attempt {Attempt} to {Host}:{Port} failed, retrying in {DelayMs:0} ms: {Error}")]
    private partial void LogConnectFailed(int attempt, string host, int port, double delayMs, string error);
}
