using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Support;

/// <summary>Refuses the next <see cref="RefuseOpens"/> alert opens (a full disk, a database gone for a moment), then passes them on.</summary>
public sealed class AlertRefusingStore(IRuleStore inner) : DelegatingRuleStore(inner)
{
    public int RefuseOpens { get; set; }

    public override Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default)
    {
        if (RefuseOpens <= 0) return base.OpenAlertAsync(alert, ct);
        RefuseOpens--;
        throw new IOException("disk full");
    }
}
