using Microsoft.Extensions.Options;
using Tracking.Gateway.Alerts.Config;

namespace Tracking.Gateway.Alerts.Hosting;

/// <summary>Rejects an <c>Alerts</c> section the sinks cannot run with, at start (ValidateOnStart), one line per bad value.</summary>
public sealed class AlertsOptionsValidator : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions options)
    {
        List<string> errors = [];
        if (options.QueueCapacity is < 1 or > 1_000_000) errors.Add($"Alerts:QueueCapacity {options.QueueCapacity} must be between 1 and 1000000.");
        if (options.RetryInitialDelay <= TimeSpan.Zero) errors.Add($"Alerts:RetryInitialDelay {options.RetryInitialDelay} must be positive.");
        if (options.RetryMaxDelay < options.RetryInitialDelay)
        {
            errors.Add($"Alerts:RetryMaxDelay {options.RetryMaxDelay} must be at least Alerts:RetryInitialDelay ({options.RetryInitialDelay}).");
        }
        if (!Uri.TryCreate(options.DcsaSource, UriKind.RelativeOrAbsolute, out _) || string.IsNullOrWhiteSpace(options.DcsaSource))
        {
            errors.Add($"Alerts:DcsaSource '{options.DcsaSource}' must be a URI reference.");
        }
        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Alerts:DrainTimeout {options.DrainTimeout} must be between 0 and 5 min.");
        }
        // The tag's own check (ContainerTag.Core TagConfig.Validate) of a config made of the defaults: the ranges are the tag's.
        if (TagConfigMapper.Defaults(options).Validate() is { } invalid)
        {
            errors.Add($"Alerts:Config* (ConfigSampleS, ConfigReportS, ConfigShockG, ConfigBatteryV) make a config the tags refuse: {invalid}.");
        }
        for (int i = 0; i < options.Webhooks.Count; i++)
        {
            var w = options.Webhooks[i];
            string key = $"Alerts:Webhooks:{i}";
            if (!Uri.TryCreate(w.Url, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{key}:Url '{w.Url}' must be an absolute http or https URL.");
            }
            if (!Enum.IsDefined(w.Format)) errors.Add($"{key}:Format {w.Format} must be tracking or dcsa.");
            if (string.IsNullOrWhiteSpace(w.SecretFile)) errors.Add($"{key}:SecretFile is required (the HMAC secret is read from a file only).");
            else if (SecretProblem(w.SecretFile) is { } problem) errors.Add($"{key}:SecretFile '{w.SecretFile}' {problem}.");
            if (w.Timeout <= TimeSpan.Zero || w.Timeout > TimeSpan.FromMinutes(5)) errors.Add($"{key}:Timeout {w.Timeout} must be between 0 and 5 min.");
            if (w.QueueCapacity is < 1 or > 1_000_000) errors.Add($"{key}:QueueCapacity {w.QueueCapacity} must be between 1 and 1000000.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string? SecretProblem(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim().Length < 16 ? "holds fewer than 16 characters" : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "cannot be read: " + ex.Message;
        }
    }
}
