using System.Text;
using Tracking.Mqtt;
using Tracking.Mqtt.Packets;

namespace Tracking.Gateway.Ingest.Group;

/// <summary>
/// The retained status of a shared-group member: <c>tracking/gateways/{group}/{client id}</c> = <c>online</c> (published
/// by the member on every connect) or <c>offline</c> (its will, published by the broker when the member's connection
/// dies or it stops). Outside <c>tracking/v1/</c>, so the tags' subscriptions never match it.
/// </summary>
public static class GroupStatus
{
    public const string Online = "online";
    public const string Offline = "offline";

    public static string Topic(string group, string clientId) => $"tracking/gateways/{group}/{clientId}";

    /// <summary>Every member's status in <paramref name="group"/>.</summary>
    public static string Filter(string group) => $"tracking/gateways/{group}/+";

    /// <summary>The member's client id from a status topic of <paramref name="group"/>; null for another topic.</summary>
    public static string? MemberOf(string group, string topic)
    {
        string prefix = $"tracking/gateways/{group}/";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal)) return null;
        string member = topic[prefix.Length..];
        return member.Length == 0 || member.Contains('/', StringComparison.Ordinal) ? null : member;
    }

    /// <summary>
    /// The will of the member's ingest connection: retained offline, QoS 1, no delay (the survivors wait
    /// <c>Mqtt:TakeoverAfter</c> themselves, which leaves room for a restart).
    /// </summary>
    public static MqttWill Will(string group, string clientId) => new()
    {
        Topic = Topic(group, clientId),
        Payload = Encoding.ASCII.GetBytes(Offline),
        Qos = MqttQos.AtLeastOnce,
        Retain = true,
    };
}
