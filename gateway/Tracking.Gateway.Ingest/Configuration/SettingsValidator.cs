using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>
/// The one place a settings section is checked: runs its rules when the options are built (at start, through
/// ValidateOnStart) and turns the first broken rule into a failure naming the section, so the gateway stops with one line.
/// </summary>
public sealed class SettingsValidator<TOptions>(string section, Action<TOptions> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        try
        {
            validate(options);
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or GatewayConfigurationException)
        {
            return ValidateOptionsResult.Fail(ex.Message.Contains(section, StringComparison.Ordinal) ? ex.Message : $"{section}: {ex.Message}");
        }
    }
}
