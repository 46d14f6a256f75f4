using System.Net;
using System.Net.Sockets;

namespace Tracking.Testing.Tests;

public sealed class SupportTests
{
    [Fact]
    public void FreePort_returns_a_bindable_loopback_port()
    {
        var port = FreePort.Get();

        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Assert.InRange(port, 1, 65535);
    }

    [Fact]
    public void RepoPaths_Root_is_the_checkout()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "Tracking.sln")));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "scripts", "servers")));
    }

    [Fact]
    public void ServerBinaries_finds_daemons_in_sbin_and_names_the_package_otherwise()
    {
        Assert.EndsWith("/mosquitto", ServerBinaries.Require("mosquitto", "mosquitto"));

        var error = Assert.Throws<InvalidOperationException>(() => ServerBinaries.Require("no-such-server-xyz", "no-such-package"));
        Assert.Equal("no-such-server-xyz not found: install the Debian package 'no-such-package' (scripts/servers installs it)", error.Message);
    }
}
