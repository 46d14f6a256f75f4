using System.Globalization;
using Tracking.Testing.Processes;

namespace Tracking.Testing.Tests;

/// <summary>
/// What a kill leaves behind. A killed postmaster's backends outlived it for a moment, and PostgresServer's StartAgainAsync
/// right after KillAsync failed now and then: "pre-existing shared memory block ... is still in use".
/// </summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task Kill_returns_once_the_processes_the_server_forked_have_ended_on_their_own()
    {
        var directory = InstanceDirectory.Create("forking");
        try
        {
            // A server with a child that outlives it by a few seconds, as a backend outlives its postmaster until it notices.
            string childPidFile = directory.File("child.pid");
            var server = new ServerProcess("forking", directory, directory.File("forking.log"), "/bin/sh",
                ["-c", "sleep 3 & echo $! > child.pid.tmp && mv child.pid.tmp child.pid; exec sleep 600"],
                _ => Task.FromResult(File.Exists(childPidFile)), "no endpoint", readyLogLine: null);
            await server.StartAsync(CancellationToken.None);
            int serverPid = server.ProcessId!.Value;
            int childPid = int.Parse(File.ReadAllText(childPidFile).Trim(), CultureInfo.InvariantCulture);
            long childStart = ProcFs.StartTime(childPid) ?? throw new InvalidOperationException("the child ended before the kill");
            Assert.Contains((childPid, childStart), ProcFs.Descendants(serverPid));

            await server.KillAsync();

            Assert.False(server.IsRunning);
            Assert.True(ProcFs.StartTime(childPid) != childStart, "the server's child still ran when KillAsync returned");
        }
        finally
        {
            directory.Delete();
        }
    }
}
