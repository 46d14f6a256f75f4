namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// Shared mode's fencing token for an alert write (README.md "Several gateways"): the write applies only while the
/// container's partition still has the epoch this gateway took it over with, checked in the write's own transaction.
/// </summary>
public readonly record struct AlertFence(int Partition, long Epoch);
