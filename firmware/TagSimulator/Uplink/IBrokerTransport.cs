namespace TagSimulator.Uplink;

/// <summary>
/// What the virtual tags' uplinks share: a way to get a QoS 1 message to the broker and learn about
/// its PUBACK, and the retained config the broker holds for each tag.
/// </summary>
public interface IBrokerTransport
{
    /// <summary>False while the broker cannot be reached: a tag's Connect then fails like a real one would.</summary>
    bool IsConnected { get; }

    /// <summary>Publishes with QoS 1 on the connection that serves tag <paramref name="tagIndex"/>; true on PUBACK.</summary>
    Task<bool> PublishAsync(int tagIndex, string topic, byte[] payload, bool retain);

    /// <summary>The retained config currently held for this topic, or null (none seen).</summary>
    byte[]? RetainedMessage(string topic);
}
