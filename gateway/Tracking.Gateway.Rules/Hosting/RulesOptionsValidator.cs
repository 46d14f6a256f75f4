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
        if (options.StateSaveInterval < TimeSpan.Zero || options.StateSaveInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add("Rules:StateSaveInterval must be between 0 (save after every batch) and 1 min.");
        }
        if (options.FeedCollectDelay < TimeSpan.Zero || options.FeedCollectDelay > TimeSpan.FromSeconds(1))
        {
            errors.Add("Rules:FeedCollectDelay must be between 0 (read at once) and 1 s.");
        }
        if (options.FeedMaxBatch is < 1 or > 65_536) errors.Add("Rules:FeedMaxBatch must be between 1 and 65536.");
        if (options.ProfileRefresh < TimeSpan.Zero) errors.Add("Rules:ProfileRefresh must not be negative.");
        if (options.WindowSpan < TimeSpan.FromHours(1) || options.WindowSpan > TimeSpan.FromDays(30))
        {
            errors.Add("Rules:WindowSpan must be between 1 h and 30 days.");
        }
        if (options.WindowReadings is < 16 or > 100_000) errors.Add("Rules:WindowReadings must be between 16 and 100000.");
        if (options.PredictionHorizon <= TimeSpan.Zero || options.PredictionHorizon > TimeSpan.FromHours(48))
        {
            errors.Add("Rules:PredictionHorizon must be above 0 and at most 48 h.");
        }
        if (options.PredictionWindow < TimeSpan.FromMinutes(10) || options.PredictionWindow > TimeSpan.FromHours(12) || options.PredictionWindow > options.WindowSpan)
        {
            // The trend is refilled from the rules' window after a restart or late data, so it must fit in it.
            errors.Add("Rules:PredictionWindow must be between 10 min and 12 h and not longer than Rules:WindowSpan.");
        }
        if (options.PredictionConfirm < TimeSpan.Zero || options.PredictionConfirm >= options.PredictionHorizon)
        {
            errors.Add("Rules:PredictionConfirm must not be negative and must be shorter than Rules:PredictionHorizon.");
        }
        if (options.PredictionRefit < TimeSpan.Zero || options.PredictionRefit >= options.PredictionHorizon)
        {
            // The refit interval is taken off every warning's lead: at the horizon no warning would be left.
            errors.Add("Rules:PredictionRefit must not be negative and must be shorter than Rules:PredictionHorizon.");
        }
        if (options.PredictionPoints is < 4 or > 64) errors.Add("Rules:PredictionPoints must be between 4 and 64.");
        if (options.PredictionMinPoints < 3 || options.PredictionMinPoints > options.PredictionPoints)
        {
            errors.Add("Rules:PredictionMinPoints must be at least 3 and at most Rules:PredictionPoints.");
        }
        if (!(options.PredictionMinConfidence is >= 0.5 and <= 1)) errors.Add("Rules:PredictionMinConfidence must be between 0.5 and 1.");
        if (options.DefaultProfile is { } profile && !ProfileValidator.IsValidName(profile))
        {
            errors.Add($"Rules:DefaultProfile '{profile}' is not a profile name ([a-z0-9_-]{{1,64}}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
