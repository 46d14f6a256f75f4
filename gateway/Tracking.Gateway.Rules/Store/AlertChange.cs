using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// What a conditional alert write found: the alert as stored after it (null when the id is unknown) and whether this
/// call changed it. Not changed means another party got there first (or it was already so): the caller must not
/// notify, the stored alert says what is in force.
/// </summary>
public readonly record struct AlertChange(Alert? Alert, bool Changed);
