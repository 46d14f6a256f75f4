using System.Globalization;
using System.Runtime.InteropServices;

namespace Tracking.Testing.Processes;

/// <summary>
/// An unprivileged OS user to run a server as when the tests run as root and the server refuses root (postgres does).
/// Looked up in /etc/passwd: the Debian package that ships the server creates its user there.
/// </summary>
internal sealed record ServiceAccount(string Name, uint Uid, uint Gid)
{
    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUid();

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int Chown(string path, uint owner, uint group);

    public static bool RunningAsRoot => !OperatingSystem.IsWindows() && GetEffectiveUid() == 0;

    /// <summary>The user <paramref name="name"/> from /etc/passwd, or an exception naming the package that creates it.</summary>
    public static ServiceAccount Require(string name, string debianPackage)
    {
        foreach (string line in File.ReadLines("/etc/passwd"))
        {
            string[] fields = line.Split(':');
            if (fields.Length >= 4 && fields[0] == name)
            {
                return new ServiceAccount(name, uint.Parse(fields[2], CultureInfo.InvariantCulture), uint.Parse(fields[3], CultureInfo.InvariantCulture));
            }
        }
        throw new InvalidOperationException(
            $"no OS user '{name}' to run the server as (it refuses root): install the Debian package '{debianPackage}', which creates it");
    }

    /// <summary>Gives <paramref name="path"/> to this user (root only).</summary>
    public void Own(string path)
    {
        if (Chown(path, Uid, Gid) != 0)
        {
            throw new InvalidOperationException($"chown {Name} {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>
    /// The command line that runs <paramref name="executable"/> as this user. setpriv execs in place (runuser and su fork
    /// and wait), so the process the tests hold and signal is the server itself.
    /// </summary>
    public IReadOnlyList<string> Wrap(string setpriv, string executable, IEnumerable<string> arguments) =>
        [setpriv, $"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--", executable, .. arguments];
}
