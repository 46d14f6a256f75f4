// Reference stub of nanoFramework.System.Net 1.11.60 (firmware/ContainerTag/packages.config). Tag v1.11.60 is
// not in the stored copy of github.com/nanoframework/System.Net; taken from the nearest readable tag, v1.11.54
// (commit 713b02c9, the newest 1.11 tag there):
//   nanoFramework.System.Net/NetworkInformation/Wireless80211Configuration.cs (public constructor (uint id) only;
//     ConfigurationOptions : byte, [Flags], nested),
//   nanoFramework.System.Net/X509Certificates/X509Certificate.cs.
// Only the members the device app uses plus the constructors. Signatures only, compiled by the tests into a
// reference assembly; never shipped.
using System;

namespace System.Net.NetworkInformation
{
    public class Wireless80211Configuration
    {
        public Wireless80211Configuration(uint id) { }
        public ConfigurationOptions Options { get { throw null; } set { } }
        public string Password { get { throw null; } set { } }
        public string Ssid { get { throw null; } set { } }
        public uint Id { get { throw null; } }
        public void SaveConfiguration() { }
        public static Wireless80211Configuration[] GetAllWireless80211Configurations() { throw null; }

        [Flags]
        public enum ConfigurationOptions : byte
        {
            None = 0,
            Disable = 0x01,
            Enable = 0x02,
            AutoConnect = 0x04 | Enable,
            SmartConfig = 0x08 | Enable,
        }
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    public class X509Certificate
    {
        protected string _issuer;
        protected string _subject;
        protected DateTime _effectiveDate;
        protected DateTime _expirationDate;
        protected byte[] _handle;
        protected byte[] _sessionHandle;
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
