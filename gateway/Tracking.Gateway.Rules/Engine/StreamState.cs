using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// One tag's evaluation in a container. <see cref="Samples"/> is the bounded, time-ordered window; <see cref="Base"/>
/// is the state before its first sample and <see cref="Current"/> the state after its last. Data in order steps
/// <see cref="Current"/>; a sample inserted before the end re-runs the window from <see cref="Base"/>. Only
/// <see cref="Current"/> and the key set are derived: everything else is the persisted snapshot.
/// </summary>
internal sealed class StreamState
{
    public string Tag = "";

    /// <summary>
    /// Numbers the stream's trips in cumulative alert keys. Not a time: the first reading's time changes when earlier data
    /// comes late, and the key must not (trips are not started yet: always 1).
    /// </summary>
    public int Trip = 1;

    public EvalState Base = new();
    public SampleWindow Samples = new();

    /// <summary>
    /// The number of <see cref="Samples"/>' first reading in the stream: how many readings were trimmed from the window so
    /// far. The saved window is cut into chunks by these numbers (<see cref="SnapshotCodec.ChunkSize"/> each), so that a
    /// save writes only the chunks that changed (issue 12; snapshot format 6).
    /// </summary>
    public long First;

    /// <summary>
    /// How many readings from the window's start the store holds as they are (in the chunks of the last save): a save
    /// writes the chunks from the one of the first reading after them. An append leaves it; a late reading inserted
    /// before it, and a trim, lower it.
    /// </summary>
    [JsonIgnore] public int SavedPrefix;

    /// <summary>
    /// <see cref="First"/> at the last save, or -1 before this engine saved or read the stream's chunks: the store may
    /// then hold chunks of an earlier state (a snapshot that was unreadable, one of an older format), and the first save
    /// deletes every chunk outside the window.
    /// </summary>
    [JsonIgnore] public long SavedFirst = -1;
    public List<ExcursionEntry> Excursions = [];
    public List<AlertRef> BandAlerts = [];
    public List<ShockRecord> Shocks = [];
    public int ShockCount;
    public double ShockMaxG;
    public long LastArrivalMs;

    /// <summary>
    /// The same arrival on the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>), 0 until something arrives in this
    /// process: silence is measured on it, so a step of the gateway's clock does not make or hide a silent tag.
    /// </summary>
    [JsonIgnore] public long LastArrivalTimestamp;
    public long SilentAlertId;
    public long BatteryAlertId;

    /// <summary>
    /// The deciding battery values by device time, oldest first: the latest not-low one and the low ones after it (at most
    /// <see cref="MaxBatteryKept"/>). The latest decides whether the battery is low, and the run of low values it ends
    /// says since when (issue 12: device time decides, not the arrival order).
    /// </summary>
    public List<BatteryPoint> Battery = [];

    /// <summary>Deciding battery values kept per stream (a tag reports its battery with each telemetry message).</summary>
    public const int MaxBatteryKept = 64;

    /// <summary>
    /// <see cref="Battery"/>'s value when it is the only one and not low (a healthy battery), else null: the engine moves
    /// its time at each healthy value without reading the list (issue 12: every telemetry message carries the volts; the
    /// list and its array were two cache lines per reading). Kept by <see cref="RememberBattery"/> and
    /// <see cref="RestoreBattery"/>, the engine's changes of the list, and by <see cref="BatteryChanged"/> after a list is
    /// read in. Null when unknown (a state read from JSON): then the list decides, as always.
    /// </summary>
    [JsonIgnore] public BatteryPoint? OnlyHealthy;

    /// <summary>Keeps <see cref="OnlyHealthy"/> that of <see cref="Battery"/> (after the list was read in).</summary>
    public void BatteryChanged() => OnlyHealthy = Battery.Count == 1 && !Battery[0].Low ? Battery[0] : null;

    /// <summary>
    /// Adds a deciding battery value in device-time order; at one time a low value wins (so the outcome does not depend on
    /// which of two arrives first). Keeps only what can still decide: the latest not-low value and the low values after
    /// it (a healthy battery keeps one value; a late value older than the latest not-low one changes nothing). False when
    /// it changes nothing (a duplicate, a replay, a value that old).
    /// </summary>
    public bool RememberBattery(long timeMs, bool low)
    {
        if (!low && MoveHealthy(timeMs)) return true;
        List<BatteryPoint> points = Battery;
        if (points.Count > 0 && !points[0].Low && timeMs < points[0].TimeMs) return false;
        int at = points.Count;
        while (at > 0 && points[at - 1].TimeMs > timeMs) at--;
        if (at > 0 && points[at - 1].TimeMs == timeMs)
        {
            if (points[at - 1].Low || !low) return false;
            points[at - 1].Low = true;
        }
        else
        {
            points.Insert(at, new BatteryPoint { TimeMs = timeMs, Low = low });
        }

        int lastHigh = points.FindLastIndex(p => !p.Low);
        if (lastHigh > 0) points.RemoveRange(0, lastHigh);
        // A long low run: its oldest values go, the not-low one before it first (the open alert keeps the since they gave it).
        if (points.Count > MaxBatteryKept) points.RemoveAt(0);
        BatteryChanged();
        return true;
    }

    /// <summary>
    /// A healthy battery's next not-low value (every telemetry message carries one), later than its only value: that value's
    /// time moves to it, what <see cref="RememberBattery"/>'s insert and drop of the older value would leave, without
    /// reading the list (issue 12). False, changing nothing, when <see cref="OnlyHealthy"/> is unknown or not earlier.
    /// </summary>
    public bool MoveHealthy(long timeMs)
    {
        if (OnlyHealthy is not { } point || timeMs <= point.TimeMs) return false;
        point.TimeMs = timeMs;
        return true;
    }

    /// <summary>Puts back the values <see cref="Battery"/> held before a change that has to be undone.</summary>
    public void RestoreBattery(List<(long TimeMs, bool Low)> values)
    {
        Battery.Clear();
        foreach ((long timeMs, bool low) in values) Battery.Add(new BatteryPoint { TimeMs = timeMs, Low = low });
        BatteryChanged();
    }

    /// <summary>The since (device time) of <see cref="BatteryAlertId"/>'s alert; 0 when unknown (a state saved before it was kept).</summary>
    public long BatteryAlertSinceMs;
    public long MktAlertId;

    /// <summary>Readings older than the window, which can no longer be evaluated (counted, not silently lost).</summary>
    public long TooLate;

    [JsonIgnore] public EvalState Current = new();

    /// <summary>How many samples <see cref="Current"/> has seen; below <see cref="Samples"/>' count after new data.</summary>
    [JsonIgnore] public int Evaluated;

    /// <summary>
    /// The profile or the trips changed (or a pass failed before its effects were stored): the next pass re-runs the whole
    /// window from <see cref="Base"/>.
    /// </summary>
    [JsonIgnore] public bool Replay;

    /// <summary>
    /// The profile or the trips changed: the next pass drops the predictive warnings (silently) and derives them anew. Not
    /// after a failed pass: its re-run keeps the warnings in force, whose issue the store may have recorded already.
    /// </summary>
    [JsonIgnore] public bool PredictionReset;

    /// <summary>The earliest index a sample went in at since the last pass; a pass re-runs from the checkpoint before it.</summary>
    [JsonIgnore] public int ReplayFrom = int.MaxValue;

    /// <summary>
    /// States before every n-th sample of the window (by index), so late data re-runs from the checkpoint before the
    /// earliest affected reading rather than from the window's start. Not persisted: after a restart the first late
    /// reading re-runs from <see cref="Base"/>, which is equivalent.
    /// </summary>
    [JsonIgnore] public List<(int Index, EvalState State)> Checkpoints = [];

    /// <summary>
    /// The last of <see cref="Checkpoints"/>' indexes, 0 without any (kept by the methods below, the list's only changes):
    /// a pass compares it at every reading without reading the list (issue 12: two cache lines per reading).
    /// </summary>
    [JsonIgnore] public int LastCheckpoint { get; private set; }

    [JsonIgnore] public bool Dirty;

    /// <summary>
    /// The stream was told to the feed's <see cref="Notifications.ITagSeenListener"/> and it took it (once per process:
    /// false in a state just created or loaded, and while the listener refuses).
    /// </summary>
    [JsonIgnore] public bool TagSeenTold;

    /// <summary>
    /// Trend rings (derived from the window) and predictive warnings (saved with the binary snapshot, format 5; see
    /// <see cref="Prediction.WarningPredictor"/>). Not in the JSON snapshot of version 1.
    /// </summary>
    [JsonIgnore] public Prediction.StreamPrediction? Prediction;

    /// <summary>Keeps the state before the window's sample <paramref name="index"/>, after every checkpoint held.</summary>
    public void AddCheckpoint(int index, EvalState state)
    {
        Checkpoints.Add((index, state));
        LastCheckpoint = index;
    }

    /// <summary>Drops the checkpoints after <paramref name="index"/> (a late reading went in there), or all of them for -1.</summary>
    public void DropCheckpointsAfter(int index)
    {
        Checkpoints.RemoveAll(c => c.Index > index);
        CheckpointsChanged();
    }

    /// <summary><paramref name="count"/> samples were trimmed from the window: the checkpoints move down, those at or before its start go.</summary>
    public void CheckpointsTrimmed(int count)
    {
        List<(int Index, EvalState State)> checkpoints = Checkpoints;
        for (int i = 0; i < checkpoints.Count; i++) checkpoints[i] = (checkpoints[i].Index - count, checkpoints[i].State);
        checkpoints.RemoveAll(c => c.Index <= 0);
        CheckpointsChanged();
    }

    private void CheckpointsChanged() => LastCheckpoint = Checkpoints.Count == 0 ? 0 : Checkpoints[^1].Index;

    /// <summary>A reading went into the window at <paramref name="index"/> before its end: the chunks from there on are to be saved again.</summary>
    public void InsertedAt(int index)
    {
        if (index < SavedPrefix) SavedPrefix = index;
    }

    /// <summary><paramref name="count"/> readings were trimmed from the window's start.</summary>
    public void Trimmed(int count)
    {
        First += count;
        SavedPrefix = Math.Max(0, SavedPrefix - count);
    }
}
