// Reference stub of nanoFramework.M2Mqtt 5.1.220 (firmware/ContainerTag/packages.config; the package ships
// nanoFramework.M2Mqtt.dll and nanoFramework.M2Mqtt.Core.dll), from github.com/nanoframework/nanoFramework.m2mqtt
// at tag v5.1.220:
//   nanoFramework.M2Mqtt.Core/IMqttClient.cs (delegates nested in the interface, as there),
//   nanoFramework.M2Mqtt.Core/MqttSslProtocols.cs,
//   nanoFramework.M2Mqtt.Core/Messages/MqttQoSLevel.cs, MqttReasonCode.cs (both int-backed: no base type there),
//   nanoFramework.M2Mqtt.Core/Messages/MqttMsgPublishEventArgs.cs, MqttMsgPublishedEventArgs.cs,
//     MqttMsgSubscribedEventArgs.cs, MqttMsgUnsubscribedEventArgs.cs,
//   M2Mqtt/MqttClient.cs (MqttClient: not sealed; its internal parameterless constructor is not public;
//     MqttProtocolVersion at the end of that file).
// Only the members the device app uses plus the IMqttClient members MqttClient implements.
// Signatures only, compiled by the tests into a reference assembly; never shipped.
using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.M2Mqtt
{
    public enum MqttSslProtocols { None, SSLv3, TLSv1_0, TLSv1_1, TLSv1_2, TLSv1_3 }

    public enum MqttProtocolVersion { Version_3_1 = 0x03, Version_3_1_1 = 0x04, Version_5 = 0x05 }

    public interface IMqttClient
    {
        bool IsConnected { get; }
        void Init(string brokerHostName, int brokerPort, bool secure, byte[] caCert, byte[] clientCert, MqttSslProtocols sslProtocol);
        MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, MqttQoSLevel willQosLevel,
            bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod);
        void Disconnect();
        ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels);
        ushort Unsubscribe(string[] topics);
        ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, MqttQoSLevel qosLevel, bool retain);
        ushort Publish(string topic, byte[] message, string contentType);
        ushort Publish(string topic, byte[] message);
        void Close();

        delegate void MqttMsgPublishEventHandler(object sender, MqttMsgPublishEventArgs e);
        event MqttMsgPublishEventHandler MqttMsgPublishReceived;
        delegate void MqttMsgPublishedEventHandler(object sender, MqttMsgPublishedEventArgs e);
        event MqttMsgPublishedEventHandler MqttMsgPublished;
        delegate void MqttMsgSubscribedEventHandler(object sender, MqttMsgSubscribedEventArgs e);
        event MqttMsgSubscribedEventHandler MqttMsgSubscribed;
        delegate void MqttMsgUnsubscribedEventHandler(object sender, MqttMsgUnsubscribedEventArgs e);
        event MqttMsgUnsubscribedEventHandler MqttMsgUnsubscribed;
        delegate void ConnectionClosedEventHandler(object sender, EventArgs e);
        event ConnectionClosedEventHandler ConnectionClosed;
    }

    public class MqttClient : IMqttClient, IDisposable
    {
        internal MqttClient() { }
        public MqttClient(string brokerHostName) { }
        public MqttClient(string brokerHostName, int brokerPort, bool secure, X509Certificate caCert, X509Certificate clientCert, MqttSslProtocols sslProtocol) { }

        public event IMqttClient.MqttMsgPublishEventHandler MqttMsgPublishReceived { add { } remove { } }
        public event IMqttClient.MqttMsgPublishedEventHandler MqttMsgPublished { add { } remove { } }
        public event IMqttClient.MqttMsgSubscribedEventHandler MqttMsgSubscribed { add { } remove { } }
        public event IMqttClient.MqttMsgUnsubscribedEventHandler MqttMsgUnsubscribed { add { } remove { } }
        public event IMqttClient.ConnectionClosedEventHandler ConnectionClosed { add { } remove { } }

        public bool IsConnected { get { throw null; } }
        public string ClientId { get { throw null; } }
        public MqttProtocolVersion ProtocolVersion { get { throw null; } set { } }

        public void Init(string brokerHostName, int brokerPort, bool secure, byte[] caCert, byte[] clientCert, MqttSslProtocols sslProtocol) { }

        public MqttReasonCode Connect(string clientId) { throw null; }
        public MqttReasonCode Connect(string clientId, bool cleanSession) { throw null; }
        public MqttReasonCode Connect(string clientId, string username, string password) { throw null; }
        public MqttReasonCode Connect(string clientId, string username, string password, bool cleanSession, ushort keepAlivePeriod) { throw null; }
        public MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, MqttQoSLevel willQosLevel,
            bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) { throw null; }

        public void Disconnect() { }
        public void Close() { }
        public void Dispose() { }
        public ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels) { throw null; }
        public ushort Unsubscribe(string[] topics) { throw null; }

        public ushort Publish(string topic, byte[] message) { throw null; }
        public ushort Publish(string topic, byte[] message, string contentType) { throw null; }
        public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties) { throw null; }
        public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, MqttQoSLevel qosLevel, bool retain) { throw null; }
    }
}

namespace nanoFramework.M2Mqtt.Messages
{
    public enum MqttQoSLevel { AtMostOnce = 0x00, AtLeastOnce = 0x01, ExactlyOnce = 0x02, GrantedFailure = 0x80 }

    public enum MqttReasonCode
    {
        Success = 0x00,
        NormalDisconnection = 0x00,
        GrantedQoS0 = 0x00,
        GrantedQoS1 = 0x01,
        GrantedQoS2 = 0x02,
        DisconnectWithWillMessage = 0x04,
        NoMatchingSubscribers = 0x10,
        NoSubscriptionExisted = 0x11,
        ContinueAuthentication = 0x18,
        ReAuthenticate = 0x19,
        UnspecifiedError = 0x80,
        MalformedPacket = 0x81,
        ProtocolError = 0x82,
        ImplementationSpecificError = 0x83,
        UnsupportedProtocolVersion = 0x84,
        ClientIdentifierNotValid = 0x85,
        BadUserNameOrPassword = 0x86,
        NotAuthorized = 0x87,
        ServerUnavailable = 0x88,
        ServerBusy = 0x89,
        Banned = 0x8A,
        ServeShuttingDown = 0x8B,
        BadAuthenticationMethod = 0x8C,
        KeepAliveTimeout = 0x8D,
        SessionTakenOver = 0x8E,
        TopicFilterInvalid = 0x8F,
        TopicNameInvalid = 0x90,
        PacketIdentifierInUse = 0x91,
        PacketIdentifierNotFound = 0x92,
        ReceiveMaximumExceeded = 0x93,
        TopicAliasInvalid = 0x94,
        PacketTooLarge = 0x95,
        MessageRateTooHigh = 0x96,
        QuotaExceeded = 0x97,
        AdministrativeAction = 0x98,
        PayloadFormatInvalid = 0x99,
        RetainNotSupported = 0x9A,
        QoSNotSupported = 0x9B,
        UseAnotherServer = 0x9C,
        ServerMoved = 0x9D,
        SharedSubscriptionsNotSupported = 0x9E,
        ConnectionRateExceeded = 0x9F,
        MaximumConnectTime = 0xA0,
        SubscriptionIdentifiersNotSupported = 0xA1,
        WildcardSubscriptionsNotSupported = 0xA2,
        ConnectionRefusedUnacceptableProtocolVersion = 0x01,
        ConnectionRefusedIdentifierRejected = 0x02,
        ConnectionRefusedServerUnavailable = 0x03,
        ConnectionRefusedBadUserNameOrPassword = 0x04,
        ConnectionRefusedNotAuthorized = 0x05,
    }

    public class MqttMsgPublishEventArgs : EventArgs
    {
        public MqttMsgPublishEventArgs(string topic, byte[] message, bool dupFlag, MqttQoSLevel qosLevel, bool retain) { }
        public string Topic { get { throw null; } internal set { } }
        public byte[] Message { get { throw null; } internal set { } }
        public bool DupFlag { get { throw null; } internal set { } }
        public MqttQoSLevel QosLevel { get { throw null; } internal set { } }
        public bool Retain { get { throw null; } internal set { } }
    }

    public class MqttMsgPublishedEventArgs : EventArgs
    {
        public MqttMsgPublishedEventArgs(ushort messageId) { }
        public MqttMsgPublishedEventArgs(ushort messageId, bool isPublished) { }
        public ushort MessageId { get; set; }
        public bool IsPublished { get; set; }
    }

    public class MqttMsgSubscribedEventArgs : EventArgs
    {
        public MqttMsgSubscribedEventArgs(ushort messageId, MqttQoSLevel[] grantedQosLevels) { }
        public ushort MessageId { get { throw null; } internal set { } }
        public MqttQoSLevel[] GrantedQoSLevels { get { throw null; } internal set { } }
    }

    public class MqttMsgUnsubscribedEventArgs : EventArgs
    {
        public MqttMsgUnsubscribedEventArgs(ushort messageId) { }
        public ushort MessageId { get { throw null; } }
    }
}
