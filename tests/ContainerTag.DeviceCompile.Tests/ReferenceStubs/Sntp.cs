// Reference stub of nanoFramework.Networking.Sntp 1.6.42 (github.com/nanoframework/nanoFramework.Networking.Sntp@v1.6.42:
// nanoFramework.Networking.Sntp/Sntp.cs): public static class Sntp with extern Start(), Stop(), UpdateNow(),
// IsStarted { get; }, Server1 / Server2 { get; set; }. Signatures only.
namespace nanoFramework.Networking
{
    public static class Sntp
    {
        public static void Start() { }
        public static void Stop() { }
        public static void UpdateNow() { }
        public static bool IsStarted { get { throw null; } }
        public static string Server1 { get { throw null; } set { } }
        public static string Server2 { get { throw null; } set { } }
    }
}
