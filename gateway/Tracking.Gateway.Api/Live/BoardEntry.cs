using Tracking.Gateway.Api.Live.Dto;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Api.Live;

/// <summary>One container of the <see cref="LiveBoard"/>, mutable in place (no allocation per message). Guarded by the board's lock.</summary>
internal sealed class BoardEntry(ContainerKey key)
{
    public ContainerKey Key { get; } = key;
    public string? Profile;
    public bool HasReading;
    public string ReadingTag = "";
    public LiveReading Reading;
    public long LastSeenMs;

    /// <summary>In the board's list of containers the refresher takes next (once however many messages came).</summary>
    public bool RefreshQueued;
    public LiveState State = LiveState.Unknown;
    public readonly List<TagView> Tags = [];

    /// <summary>Unresolved alerts (open or acknowledged), by id.</summary>
    public readonly List<Alert> Alerts = [];

    public IReadOnlyList<WarningBriefDto> Warnings = [];

    public TagView Tag(string tag)
    {
        foreach (TagView t in Tags)
        {
            if (t.Tag == tag) return t;
        }
        var view = new TagView(tag);
        Tags.Add(view);
        Tags.Sort(static (a, b) => string.CompareOrdinal(a.Tag, b.Tag));
        return view;
    }

    /// <summary>The lowest battery any tag last reported (the one to replace first); NaN when none did.</summary>
    public double MinBatteryV()
    {
        double min = double.NaN;
        foreach (TagView t in Tags)
        {
            if (t.HasStatus && !double.IsNaN(t.Status.BatteryV) && !(t.Status.BatteryV >= min)) min = t.Status.BatteryV;
        }
        return min;
    }
}
