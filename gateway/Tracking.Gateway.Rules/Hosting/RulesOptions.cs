namespace Tracking.Gateway.Rules.Hosting;

/// <summary>The "Rules" configuration section.</summary>
public sealed class RulesOptions
{
    public const string Section = "Rules";

    /// <summary>An open alert nobody acknowledged is re-notified one severity higher after this long, and again after each further period.</summary>
    public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The profile for containers with none assigned (neither their own nor their fleet's): a stored profile or a preset name; null: none.</summary>
    public string? DefaultProfile { get; set; }

    /// <summary>How often the timer looks for silent tags and alerts to escalate.</summary>
    public TimeSpan SilenceCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a container's profile is used before it is read from the store again.</summary>
    public TimeSpan ProfileRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The re-evaluation window per tag: readings this much older than the newest are final. Late data older than the
    /// window is counted and not evaluated. Memory: about 32 bytes per reading in the window.
    /// </summary>
    public TimeSpan WindowSpan { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The window's upper bound in readings per tag, whatever their times.</summary>
    public int WindowReadings { get; set; } = 1024;
}
