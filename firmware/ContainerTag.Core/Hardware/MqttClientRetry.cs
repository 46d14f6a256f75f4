namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// How the device's MQTT client, nanoFramework.M2Mqtt 5.1.220, treats a QoS 1 PUBLISH that gets no PUBACK
    /// (github.com/nanoframework/nanoFramework.m2mqtt at tag v5.1.220: M2Mqtt/MqttSettings.cs MaximumAttemptsRetry
    /// = 3 and DefaultDelayRetry = 1_000, set only by internal setters; M2Mqtt/MqttClient.cs ProcessInflightThread,
    /// state WaitForPuback). It sends the PUBLISH, resends it with the DUP flag each time DelayOnRetry passes
    /// without a PUBACK, and after the third send's DelayOnRetry raises MqttMsgPublished with
    /// IsPublished=false and forgets the message. A PUBACK that arrives later matches nothing in flight
    /// (an orphan) and raises no event. The retries live in RAM only; deep sleep ends them.
    /// The session waits on these numbers (<see cref="Control.TagOptions.PublishTimeoutMs"/>), so they are
    /// kept in one place.
    /// </summary>
    public static class MqttClientRetry
    {
        /// <summary>Sends of one PUBLISH in all (the first one included).</summary>
        public const int Attempts = 3;

        /// <summary>Time without a PUBACK after a send before the next send, or the failure after the last one.</summary>
        public const int DelayMs = 1000;

        /// <summary>After this long from its first send a publish is settled: PUBACK'd or reported not published.</summary>
        public const int GiveUpMs = Attempts * DelayMs;

        /// <summary>
        /// Added to <see cref="GiveUpMs"/> for the session's wait: the library sends its queued PUBLISHes one by
        /// one from its own thread and raises the events on another, so the last message's window starts and
        /// its verdict arrives a little after Core's Publish call returned.
        /// </summary>
        public const int SettleMarginMs = 2000;
    }
}
