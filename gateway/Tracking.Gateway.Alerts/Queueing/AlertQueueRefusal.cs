namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>Why an alert queue did not take a notification (<see cref="AlertQueueRefusedException"/>).</summary>
public enum AlertQueueRefusal
{
    /// <summary>The queue holds its capacity already: the sink's server has not been taking them for a while.</summary>
    Full,

    /// <summary>The queue has a journal (Alerts:OutboxDirectory) and it cannot be opened or written: disk full, permissions.</summary>
    JournalUnwritable,

    /// <summary>The queue is stopping.</summary>
    Stopping,
}
