namespace ContainerTag.Core.Hardware
{
    /// <summary>Outcome of one QoS 1 publish, as seen by <see cref="IUplink.GetPublishResult"/>.</summary>
    public enum PublishResult
    {
        /// <summary>No PUBACK yet and no failure reported.</summary>
        Pending = 0,

        /// <summary>The broker acknowledged it (PUBACK; M2Mqtt IsPublished = true).</summary>
        Published = 1,

        /// <summary>The client gave up (M2Mqtt IsPublished = false) or the connection dropped.</summary>
        Failed = 2
    }

    /// <summary>
    /// The MQTT session (nanoFramework.M2Mqtt on the device, the project's own client in the
    /// simulator). Pull-style so Core never runs on the client's receive thread: the adapter records
    /// completions and received messages, Core asks for them.
    /// </summary>
    public interface IUplink
    {
        /// <summary>
        /// Brings the network up if needed and connects (MQTT 3.1.1, clean session, keep-alive of the
        /// adapter's choosing) with a retained QoS 1 will. Returns false on any failure.
        /// </summary>
        bool Connect(string clientId, string willTopic, byte[] willPayload);

        /// <summary>Subscribes with QoS 1; returns false on failure.</summary>
        bool Subscribe(string topic);

        /// <summary>
        /// Publishes payload[0..length) with QoS 1. The adapter copies the bytes before returning (Core
        /// reuses its buffer). Returns the message id (&gt; 0), or -1 if the publish could not be started.
        /// </summary>
        int Publish(string topic, byte[] payload, int length, bool retain);

        /// <summary>
        /// Blocks until every publish since Connect is no longer Pending, or the timeout passes.
        /// Returns true when none is pending. Messages the broker sent before those PUBACKs (such as the
        /// retained config after SUBACK) have been received by then.
        /// </summary>
        bool WaitForPublishes(int timeoutMs);

        /// <summary>State of one message id returned by Publish in this session.</summary>
        PublishResult GetPublishResult(int messageId);

        /// <summary>
        /// The last message received on the topic in this session and forgets it; null if none.
        /// A zero-length array is a cleared retained message.
        /// </summary>
        byte[] TakeMessage(string topic);

        /// <summary>Wi-Fi signal in dBm, or int.MinValue when unknown.</summary>
        int Rssi { get; }

        /// <summary>Sends DISCONNECT (so the will is not published) and powers the radio down.</summary>
        void Disconnect();
    }
}
