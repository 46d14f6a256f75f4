using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// A notification the store owes the sinks (the transactional outbox, <see cref="IRuleStore"/>): recorded in the same
/// transaction as the alert change it tells, with the alert as stored after that change. <see cref="Seq"/> is assigned by
/// the store, ascending in the order the changes were written and never reused.
/// </summary>
public sealed record AlertEvent(long Seq, AlertNotification Notification);
