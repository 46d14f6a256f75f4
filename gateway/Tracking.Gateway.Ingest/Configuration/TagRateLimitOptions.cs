namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>
/// Per-tag rate limit of the ingest stage (section "TagRateLimit"): a token bucket per tag ({fleet}/{container}/{tag})
/// of <see cref="Burst"/> messages, refilled at <see cref="MessagesPerSecond"/>. A message over the limit is
/// dead-lettered as <c>rate_limited</c> and acknowledged (Tracking.Gateway.Ingest README, "Per-tag rate limit"), so one
/// flooding tag neither fills the spool nor holds the connection's in-flight window that all other tags share.
/// </summary>
public sealed class TagRateLimitOptions
{
    public const string SectionName = "TagRateLimit";

    /// <summary>
    /// Sustained messages per second a tag may send; 0 turns the limit off (the default: the simulator and the benchmarks
    /// replay months of a tag's data at full speed through one gateway). A real tag sends one report session per
    /// <c>report_s</c> (at most 64 telemetry messages, its events and a status: protocol section 9).
    /// </summary>
    public double MessagesPerSecond { get; set; }

    /// <summary>Messages a tag may send at once after being quiet: at least one report session (64 batches, events, status).</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Tags whose buckets are kept; past it, buckets that have refilled (idle tags) are dropped, which forgives nothing.</summary>
    public int MaxTags { get; set; } = 1_000_000;

    public bool Enabled => MessagesPerSecond > 0;

    public void Validate()
    {
        if (!(MessagesPerSecond >= 0) || double.IsInfinity(MessagesPerSecond))
        {
            throw new ArgumentException($"TagRateLimit:MessagesPerSecond must be a finite number >= 0 (0 = no limit), not {MessagesPerSecond}");
        }

        if (Burst < 1) throw new ArgumentException($"TagRateLimit:Burst must be at least 1, not {Burst}");
        if (MaxTags < 1) throw new ArgumentException($"TagRateLimit:MaxTags must be at least 1, not {MaxTags}");
    }
}
