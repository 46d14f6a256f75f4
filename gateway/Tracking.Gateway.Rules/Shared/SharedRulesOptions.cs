namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// Section "Rules:Shared": several gateways evaluating the rules together over one PostgreSQL store (README.md, "Several
/// gateways"). Off by default: one gateway evaluates what it receives, with any store.
/// </summary>
public sealed class SharedRulesOptions
{
    /// <summary>
    /// True: the rules feed appends its inputs to a log in the PostgreSQL store, and each container's inputs are evaluated
    /// by the one gateway holding its partition's lease. Needs Rules:Store:Kind postgres.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Partitions of the containers (the unit of a lease). More than gateways, so the load spreads evenly; fixed for a
    /// database (the log keeps each row's partition): a gateway with another count refuses to start.
    /// </summary>
    public int Partitions { get; set; } = 64;

    /// <summary>Log rows an owner reads per partition and round (the engine evaluates a round as one batch).</summary>
    public int ReadBatch { get; set; } = 1000;

    /// <summary>How long an owner waits before it reads its partitions again when the last round found nothing.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How often a gateway counts the live gateways and takes or hands over partitions to hold its share; also how long a
    /// partition whose owner died waits at most for a new one (its lease is free at once, the server ends the session).
    /// </summary>
    public TimeSpan RebalanceInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long evaluated log rows are kept: a replay of a reading still in the log is not appended twice; an older one
    /// is appended and the engine finds it a duplicate in its window (or too late).
    /// </summary>
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromHours(1);
}
