namespace Tracking.Testing.Processes;

/// <summary>A server did not come up. <see cref="AddressInUse"/> tells the caller a retry on another port (or later) may work.</summary>
internal sealed class ServerStartException(string message, bool addressInUse) : InvalidOperationException(message)
{
    public bool AddressInUse { get; } = addressInUse;
}
