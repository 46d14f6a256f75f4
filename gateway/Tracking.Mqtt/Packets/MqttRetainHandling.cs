namespace Tracking.Mqtt.Packets;

/// <summary>What to do with retained messages when subscribing (5.0 §3.8.3.1).</summary>
public enum MqttRetainHandling : byte
{
    SendAtSubscribe = 0,
    SendAtSubscribeIfNew = 1,
    DoNotSend = 2,
}
