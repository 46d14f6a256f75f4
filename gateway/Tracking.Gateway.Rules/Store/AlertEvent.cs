using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// A notification the store owes the sinks (the transactional outbox, <see cref="IRuleStore"/>): an alert change
/// (<see cref="Notification"/>, with the alert as stored after that change) or a predictive warning's issue or end
/// (<see cref="Warning"/>); exactly one of the two is set. Recorded in the same transaction as the change it tells.
/// <see cref="Seq"/> is assigned by the store, ascending in the order the changes were written (alerts and warnings in
/// one order) and never reused.
/// </summary>
public sealed record AlertEvent(long Seq, AlertNotification? Notification, WarningNotification? Warning = null);
