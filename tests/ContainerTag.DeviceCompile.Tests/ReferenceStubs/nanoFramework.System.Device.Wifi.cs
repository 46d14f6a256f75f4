// Reference stub of nanoFramework.System.Device.Wifi 1.5.147 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.Device.Wifi at tag v1.5.147:
//   System.Device.Wifi/WifiReconnectionKind.cs,
//   System.Device.Wifi/NetworkHelper/WifiNetworkHelper.cs (static class nanoFramework.Networking.WifiNetworkHelper
//     ships in this package).
// Only the members the device app uses. Signatures only, compiled by the tests into a reference assembly.
using System;
using System.Threading;

namespace System.Device.Wifi
{
    public enum WifiReconnectionKind { Automatic, Manual }
}

namespace nanoFramework.Networking
{
    public static class WifiNetworkHelper
    {
        public static ManualResetEvent NetworkReady { get { throw null; } }
        public static Exception HelperException { get { throw null; } internal set { } }
        public static void Disconnect() { }
        public static bool ConnectDhcp(string ssid, string password,
            System.Device.Wifi.WifiReconnectionKind reconnectionKind = System.Device.Wifi.WifiReconnectionKind.Automatic,
            bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default(CancellationToken)) { throw null; }
        public static bool Reconnect(bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default(CancellationToken)) { throw null; }
        public static void Reset() { }
    }
}
