// Reference stubs of nanoFramework.System.Device.Wifi 1.5.147 (github.com/nanoframework/System.Device.Wifi:
// System.Device.Wifi/NetworkHelper/WifiNetworkHelper.cs, WifiReconnectionKind.cs), nanoFramework.System.Net
// 1.11.x (github.com/nanoframework/System.Net: nanoFramework.System.Net/NetworkInformation/Wireless80211Configuration.cs)
// and nanoFramework.System.Threading 1.1.52 (github.com/nanoframework/System.Threading:
// nanoFramework.System.Threading/Threading/CancellationTokenSource.cs, CancellationToken.cs).
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
        public static bool ConnectDhcp(string ssid, string password,
            System.Device.Wifi.WifiReconnectionKind reconnectionKind = System.Device.Wifi.WifiReconnectionKind.Automatic,
            bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default(CancellationToken)) { throw null; }
        public static bool Reconnect(bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default(CancellationToken)) { throw null; }
        public static void Disconnect() { }
        public static Exception HelperException { get { throw null; } }
    }
}

namespace System.Net.NetworkInformation
{
    public class Wireless80211Configuration
    {
        public string Password { get { throw null; } set { } }
        public string Ssid { get { throw null; } set { } }
        public static Wireless80211Configuration[] GetAllWireless80211Configurations() { throw null; }
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    // nanoFramework.System.Net 1.11.x, github.com/nanoframework/System.Net at tag v1.11.54 (the newest tag in
    // the stored source; packages.config pins 1.11.60): nanoFramework.System.Net/X509Certificates/X509Certificate.cs.
    public class X509Certificate
    {
        public X509Certificate() { }
        public X509Certificate(byte[] certificate) { }
        public X509Certificate(string certificate) { }
        public virtual string Issuer { get { throw null; } }
        public virtual string Subject { get { throw null; } }
        public virtual DateTime GetEffectiveDate() { throw null; }
        public virtual DateTime GetExpirationDate() { throw null; }
        public virtual byte[] GetRawCertData() { throw null; }
    }
}

namespace System.Threading
{
    public struct CancellationToken
    {
        public bool IsCancellationRequested { get { throw null; } }
    }

    public class CancellationTokenSource : IDisposable
    {
        public CancellationTokenSource() { }
        public CancellationTokenSource(int millisecondsDelay) { }
        public CancellationTokenSource(TimeSpan delay) { }
        public CancellationToken Token { get { throw null; } }
        public void Cancel() { }
        public void Dispose() { }
    }
}
