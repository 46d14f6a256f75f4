namespace Tracking.Gateway;

/// <summary>
/// Lets the runtime run socket completions on its socket event threads instead of handing each to the thread pool
/// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>). The gateway's hot path is one MQTT connection whose receive
/// loop only parses packets and queues messages: each hand-over was a thread wake-up, and on these 2-core VMs a context
/// switch is a measurable share of the CPU per message (issue 11: bench/README.md, "Issues 11-13 figures"). The
/// runtime reads the variable once, at the first socket operation, so this must run before any; Kestrel still runs
/// requests on the thread pool (its own scheduling is unchanged). An operator's own setting of the variable, 0 or 1,
/// stands.
/// </summary>
internal static class SocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets the variable to 1 unless it is set; true when this call set it.</summary>
    public static bool PreferInline()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null) return false;
        Environment.SetEnvironmentVariable(Variable, "1");
        return true;
    }
}
