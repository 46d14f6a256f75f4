using System;
using System.Collections;
using System.Device.Wifi;
using System.Net.NetworkInformation;
using System.Threading;
using ContainerTag.Core.Hardware;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;
using nanoFramework.Networking;

namespace ContainerTag.Device.Adapters
{
    /// <summary>
    /// IUplink over Wi-Fi (credentials stored by nanoff --networkdeployment), SNTP and
    /// nanoFramework.M2Mqtt. M2Mqtt raises its events on its own thread: they are recorded here under
    /// a lock and Core pulls them (Hardware/IUplink.cs).
    /// </summary>
    public class MqttUplink : IUplink
    {
        private const int WifiTimeoutMs = 30000;
        private const ushort KeepAliveS = 60;

        /// <summary>
        /// How long after the network was asked for a sync the session may wait to see the time set (SntpClock). The
        /// MQTT session usually outlasts the SNTP exchange, so this rarely adds radio time; a sync not seen by then
        /// stays due and is asked for again in the next report.
        /// </summary>
        private const int SntpWaitMs = 15000;

        private readonly string _host;
        private readonly int _port;
        private readonly SntpClock _clock;
        // The tag's MQTT account from tag.json (docs/security.md); null connects without credentials.
        private readonly string _user;
        private readonly string _password;
        private readonly object _lock = new object();
        private readonly Hashtable _results = new Hashtable();   // message id (int) -> PublishResult
        private readonly Hashtable _received = new Hashtable();  // topic -> byte[]
        private readonly ManualResetEvent _changed = new ManualResetEvent(false);
        private MqttClient _client;
        private int _pending;
        private bool _wifiUp;

        public MqttUplink(string host, int port, SntpClock clock, string user, string password)
        {
            _host = host;
            _port = port;
            _clock = clock;
            _user = user;
            _password = password;
        }

        public int Rssi
        {
            // M2Mqtt and the Wi-Fi helper expose no RSSI of the joined network without a scan,
            // which costs more energy than the value is worth.
            get { return int.MinValue; }
        }

        public bool Connect(string clientId, string willTopic, byte[] willPayload)
        {
            if (!BringUpWifi())
            {
                return false;
            }
            lock (_lock)
            {
                _results.Clear();
                _received.Clear();
                _pending = 0;
            }
            try
            {
                _client = new MqttClient(_host, _port, false, null, null, MqttSslProtocols.None);
                _client.MqttMsgPublished += OnPublished;
                _client.MqttMsgPublishReceived += OnReceived;
                _client.ConnectionClosed += OnClosed;
                // M2Mqtt takes the will as a string: the status payload is ASCII JSON.
                string will = System.Text.Encoding.UTF8.GetString(willPayload, 0, willPayload.Length);
                MqttReasonCode code = _client.Connect(clientId, _user, _password, true, MqttQoSLevel.AtLeastOnce, true,
                    willTopic, will, true, KeepAliveS);
                return code == MqttReasonCode.Success;
            }
            catch (Exception)
            {
                // MqttConnectionException (socket) or MqttCommunicationException (timeout).
                return false;
            }
        }

        public bool Subscribe(string topic)
        {
            try
            {
                _client.Subscribe(new string[] { topic }, new MqttQoSLevel[] { MqttQoSLevel.AtLeastOnce });
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        public int Publish(string topic, byte[] payload, int length, bool retain)
        {
            byte[] copy = new byte[length];
            Array.Copy(payload, copy, length);
            try
            {
                lock (_lock)
                {
                    // Registered before the call so a PUBACK racing the return is not lost.
                    ushort id = _client.Publish(topic, copy, null, null, MqttQoSLevel.AtLeastOnce, retain);
                    if (!_results.Contains((int)id))
                    {
                        _results[(int)id] = PublishResult.Pending;
                        _pending++;
                    }
                    return id;
                }
            }
            catch (Exception)
            {
                return -1;
            }
        }

        public bool WaitForPublishes(int timeoutMs)
        {
            long deadline = _clock.UptimeMs + timeoutMs;
            while (true)
            {
                lock (_lock)
                {
                    if (_pending == 0)
                    {
                        return true;
                    }
                    _changed.Reset();
                }
                long left = deadline - _clock.UptimeMs;
                if (left <= 0)
                {
                    return false;
                }
                _changed.WaitOne((int)left, false);
            }
        }

        public PublishResult GetPublishResult(int messageId)
        {
            lock (_lock)
            {
                object r = _results[messageId];
                return r == null ? PublishResult.Failed : (PublishResult)r;
            }
        }

        public byte[] TakeMessage(string topic)
        {
            lock (_lock)
            {
                byte[] m = (byte[])_received[topic];
                _received.Remove(topic);
                return m;
            }
        }

        public void Disconnect()
        {
            try
            {
                if (_client != null && _client.IsConnected)
                {
                    _client.Disconnect();
                }
            }
            catch (Exception)
            {
                // The radio goes down anyway; the will covers an unclean end.
            }
            _client = null;
            // The radio stays up a little longer only while a requested sync has not been seen yet (bounded).
            _clock.WaitForSync(SntpWaitMs);
            WifiNetworkHelper.Disconnect();
            _wifiUp = false;
        }

        private bool BringUpWifi()
        {
            if (_wifiUp)
            {
                return true;
            }
            Wireless80211Configuration[] configs = Wireless80211Configuration.GetAllWireless80211Configurations();
            if (configs.Length == 0 || configs[0].Ssid == null || configs[0].Ssid.Length == 0)
            {
                return false;
            }
            bool sync = _clock.ResyncDue;
            if (sync)
            {
                // The reference before anything can set the time: the native SNTP client runs while the network is up.
                _clock.BeginSync();
            }
            CancellationTokenSource cts = new CancellationTokenSource(WifiTimeoutMs);
            // Manual: with Automatic the native connect stores the profile with AutoConnect again (nf-interpreter,
            // ESP32 Network_Interface_Connect: NETWORK_CONNECT_RECONNECT sets the AutoConnect option), and the
            // radio would come up at every wake. requiresDateTime only waits for a year >= 2021.
            _wifiUp = WifiNetworkHelper.ConnectDhcp(configs[0].Ssid, configs[0].Password, WifiReconnectionKind.Manual, true, 0, cts.Token);
            if (_wifiUp && sync && !_clock.Poll())
            {
                // The time was plausible already (an RTC that ran through deep sleep), so requiresDateTime did not wait
                // for SNTP: ask for an exchange now. UpdateNow restarts the native client and says nothing about the
                // result; SntpClock sees the set when it happens, during the session or in Disconnect's bounded wait.
                Sntp.UpdateNow();
            }
            return _wifiUp;
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            lock (_lock)
            {
                object r = _results[(int)e.MessageId];
                if (r != null && (PublishResult)r == PublishResult.Pending)
                {
                    _pending--;
                }
                _results[(int)e.MessageId] = e.IsPublished ? PublishResult.Published : PublishResult.Failed;
                _changed.Set();
            }
        }

        private void OnReceived(object sender, MqttMsgPublishEventArgs e)
        {
            lock (_lock)
            {
                _received[e.Topic] = e.Message == null ? new byte[0] : e.Message;
            }
        }

        private void OnClosed(object sender, EventArgs e)
        {
            lock (_lock)
            {
                // Whatever was not acknowledged is lost with the session: fail it so Core keeps the data.
                ICollection keys = _results.Keys;
                object[] ids = new object[keys.Count];
                keys.CopyTo(ids, 0);
                for (int i = 0; i < ids.Length; i++)
                {
                    if ((PublishResult)_results[ids[i]] == PublishResult.Pending)
                    {
                        _results[ids[i]] = PublishResult.Failed;
                    }
                }
                _pending = 0;
                _changed.Set();
            }
        }
    }
}
