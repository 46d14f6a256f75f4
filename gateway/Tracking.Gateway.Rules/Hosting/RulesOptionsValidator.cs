using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Hosting;

/// <summary>Rejects a "Rules" section the engine cannot run with, at start (ValidateOnStart), with every reason.</summary>
public sealed class RulesOptionsValidator : IValidateOptions<RulesOptions>
{
    public ValidateOptionsResult Validate(string? name, RulesOptions options)
    {
        List<string> errors = [];
        if (options.EscalateAfter <= TimeSpan.Zero) errors.Add("Rules:EscalateAfter must be positive.");
        if (options.SilenceCheckInterval < TimeSpan.FromSeconds(1) || options.SilenceCheckInterval > TimeSpan.FromHours(1))
        {
            errors.Add("Rules:SilenceCheckInterval must be between 1 s and 1 h.");
        }
        if (options.ProfileRefresh < TimeSpan.Zero) errors.Add("Rules:ProfileRefresh must not be negative.");
        if (options.WindowSpan < TimeSpan.FromHours(1) || options.WindowSpan > TimeSpan.FromDays(30))
        {
            errors.Add("Rules:WindowSpan must be between 1 h and 30 days.");
        }
        if (options.WindowReadings is < 16 or > 100_000) errors.Add("Rules:WindowReadings must be between 16 and 100000.");
        if (options.DefaultProfile is { } profile && !ProfileValidator.IsValidName(profile))
        {
            errors.Add($"Rules:DefaultProfile '{profile}' is not a profile name ([a-z0-9_-]{{1,64}}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
