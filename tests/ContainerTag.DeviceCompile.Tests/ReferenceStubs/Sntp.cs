// Reference stub of nanoFramework.Networking.Sntp 1.6.42 (github.com/nanoframework/nanoFramework.Networking.Sntp@v1.6.42:
// nanoFramework.Networking.Sntp/Sntp.cs): public class Sntp (not static; no constructor declared) with static extern
// Start(), Stop(), UpdateNow(), IsStarted { get; }, Server1 / Server2 { get; set; }. No event or property tells when
// the time was set. Signatures only.
namespace nanoFramework.Networking
{
    public class Sntp
    {
        public static void Start() { }
        public static void Stop() { }
        public static void UpdateNow() { }
        public static bool IsStarted { get { throw null; } }
        public static string Server1 { get { throw null; } set { } }
        public static string Server2 { get { throw null; } set { } }
    }
}
