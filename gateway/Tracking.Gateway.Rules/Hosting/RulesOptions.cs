using Tracking.Gateway.Rules.Shared;

namespace Tracking.Gateway.Rules.Hosting;

/// <summary>The "Rules" configuration section.</summary>
public sealed class RulesOptions
{
    public const string Section = "Rules";

    /// <summary>
    /// False: the gateway runs without the rules (no engine, no rule spool reader, no alerts); for measuring what the
    /// rules cost, or a gateway that only stores readings. The rules API then answers 404.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long the rules keep evaluated containers' state in memory before saving it (all changed containers in one
    /// store transaction). The rules' spool reader confirms records only once the state they produced is saved, so a
    /// crash replays at most this much and loses nothing; longer saves less often (a state is a few KB) but replays more.
    /// Each save writes a changed container's whole window, so a container with a reading every second (bench ingest) was
    /// written 120 times per reading at 1 s; at 5 s a fifth of that. A container reporting every few minutes is written
    /// once per reading either way.
    /// </summary>
    public TimeSpan StateSaveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Once the rules' spool reader has caught up, how long it lets records collect before it reads again: one batch of
    /// what came meanwhile instead of one per group commit (a few ms apart under load). An alert comes this much later
    /// at most; its delays are minutes. In bench ingest the rules added a median 23 % to the gateway's CPU at 0 and 9 % at
    /// 50 ms (bench/README.md): most of what they added was their stage waking on every commit. 200 ms with
    /// <see cref="FeedMaxBatch"/> (issue 12): a container that reports fast has several readings in one batch. 0: read at once.
    /// </summary>
    public TimeSpan FeedCollectDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The most messages the rules' spool reader hands the engine at once (1-65,536). The engine's work per batch goes by
    /// containers more than by readings: a container's readings in one batch are evaluated in one pass over its state,
    /// which is cold by then (issue 12: in bench ingest, 1,000 containers sending 20 readings a second, batches of 256
    /// held one reading per container; with 4,096 and a collect delay of 200 ms, about four, and the rules' own CPU fell
    /// from a median 0.079 to 0.052 s per 100,000 messages).
    /// </summary>
    public int FeedMaxBatch { get; set; } = 4096;

    /// <summary>An open alert nobody acknowledged is re-notified one severity higher after this long, and again after each further period.</summary>
    public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The profile for containers with none assigned (neither their own nor their fleet's): a stored profile or a preset name; null: none.</summary>
    public string? DefaultProfile { get; set; }

    /// <summary>How often the timer looks for silent tags and alerts to escalate.</summary>
    public TimeSpan SilenceCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a container's profile is used before it is read from the store again; with a store that keeps a profile
    /// version (SQLite), how often that version is read, a container's profile being read again only when it changed.
    /// </summary>
    public TimeSpan ProfileRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The re-evaluation window per tag: readings this much older than the newest are final. Late data older than the
    /// window is counted and not evaluated. Memory: 32 bytes per reading in the window, held in chunks of 64 readings
    /// (2 KB; one more than the readings fill at most), which a trim gives back to the engine for the windows that grow.
    /// </summary>
    public TimeSpan WindowSpan { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The window's upper bound in readings per tag, whatever their times. A window over it drops its oldest eighth at once
    /// (two whole chunks at 1,024), so it holds between 7/8 of this and this.
    /// </summary>
    public int WindowReadings { get; set; } = 1024;

    /// <summary>
    /// Predictive warnings: a band whose alarm the recent trend says will fire within this time (breach plus the band's
    /// delay) gets a warning. Long enough to act on (send a technician, re-ice), short enough to trust a straight line.
    /// </summary>
    public TimeSpan PredictionHorizon { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The readings the trend is fitted on: this much before the newest (and at most <see cref="PredictionPoints"/>).</summary>
    public TimeSpan PredictionWindow { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>Fewest readings, and the window at least half covered, before a trend is believed.</summary>
    public int PredictionMinPoints { get; set; } = 8;

    /// <summary>
    /// Most readings a trend is fitted on, per tag and metric: the window's newest (so at most what it holds; Theil-Sen
    /// costs n^2/2 slopes per fit).
    /// </summary>
    public int PredictionPoints { get; set; } = 64;

    /// <summary>How long the trend must keep predicting the alarm before the warning is issued (0: at once).</summary>
    public TimeSpan PredictionConfirm { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How often (device time) a stream's trend is fitted again while none of its bands has a warning in force or being
    /// confirmed; with one, every reading is fitted. The fit (Theil-Sen, n^2/2 slopes) was most of the rules' cost per
    /// reading (issue 12); skipping it in between only delays the start of a warning's confirmation by less than this,
    /// so a warning's lead shrinks by at most this much. 0: every reading.
    /// </summary>
    public TimeSpan PredictionRefit { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Share of pairwise slopes that must agree with the trend's direction (0.5: any, 1: all).</summary>
    public double PredictionMinConfidence { get; set; } = 0.75;

    /// <summary>Several gateways evaluating together over one PostgreSQL store (section Rules:Shared; off by default).</summary>
    public SharedRulesOptions Shared { get; set; } = new();
}
