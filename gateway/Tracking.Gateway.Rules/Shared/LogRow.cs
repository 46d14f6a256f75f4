using Tracking.Gateway.Rules.Input;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>A row of the shared input log: its partition, the group (one append) it belongs to, and the input.</summary>
public readonly record struct LogRow(int Partition, long Group, RuleInput Input);
