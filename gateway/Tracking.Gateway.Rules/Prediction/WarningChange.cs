using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// A warning issued or ended by a new reading, until the engine records it in the rule store's outbox.
/// <paramref name="Position"/> is where it happened among the evaluation pass's effects (how many there were after its
/// reading's): the engine records it before the first alert change of a later reading, after those of its own and earlier
/// ones, so a warning's end comes right after the alarm that ended it and an issue before the alarm it warned of.
/// </summary>
internal readonly record struct WarningChange(WarningTransition Transition, PredictiveWarning Warning, string? Reason, int Position);
