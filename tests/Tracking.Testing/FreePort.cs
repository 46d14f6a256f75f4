using System.Net;
using System.Net.Sockets;

namespace Tracking.Testing;

/// <summary>Free TCP ports on 127.0.0.1, picked by the kernel.</summary>
public static class FreePort
{
    /// <summary>Binds 127.0.0.1:0, reads the port the kernel chose and releases it.</summary>
    public static int Get() => Get(1)[0];

    /// <summary>
    /// Several distinct ports: all sockets stay bound until every port is read, so the kernel
    /// cannot hand out the same port twice (two single <see cref="Get()"/> calls could).
    /// </summary>
    internal static int[] Get(int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }
            return sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToArray();
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }
    }
}
