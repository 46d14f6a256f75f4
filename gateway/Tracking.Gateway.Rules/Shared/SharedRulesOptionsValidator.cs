using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>Rejects a Rules:Shared section the gateways cannot run with, at start, with every reason.</summary>
public sealed class SharedRulesOptionsValidator(IOptions<RuleStoreOptions> store) : IValidateOptions<RulesOptions>
{
    private const string Section = RulesOptions.Section + ":Shared";

    public ValidateOptionsResult Validate(string? name, RulesOptions options)
    {
        SharedRulesOptions shared = options.Shared;
        List<string> errors = [];
        if (shared.Partitions is < 1 or > 4096) errors.Add($"{Section}:Partitions must be between 1 and 4096.");
        if (shared.ReadBatch is < 1 or > 100_000) errors.Add($"{Section}:ReadBatch must be between 1 and 100000.");
        if (shared.PollInterval < TimeSpan.FromMilliseconds(1) || shared.PollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Section}:PollInterval must be between 1 ms and 1 min.");
        }
        if (shared.RebalanceInterval < TimeSpan.FromMilliseconds(100) || shared.RebalanceInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{Section}:RebalanceInterval must be between 100 ms and 10 min.");
        }
        if (shared.LogRetention < TimeSpan.Zero || shared.LogRetention > TimeSpan.FromDays(30))
        {
            errors.Add($"{Section}:LogRetention must be between 0 and 30 days.");
        }
        if (shared.Enabled)
        {
            string kind = store.Value.Kind?.Trim().ToLowerInvariant() ?? "";
            if (kind != RuleStoreKind.Postgres)
            {
                errors.Add($"{Section}:Enabled needs {RuleStoreOptions.SectionName}:Kind postgres (the gateways share their rule state "
                    + $"and input log there), not '{store.Value.Kind}'.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
