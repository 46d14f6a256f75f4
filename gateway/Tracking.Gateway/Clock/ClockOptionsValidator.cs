using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Clock;

/// <summary>Checks the <c>Clock</c> section at start (ValidateOnStart): a bad offset stops the gateway with one line.</summary>
public sealed class ClockOptionsValidator : IValidateOptions<ClockOptions>
{
    public ValidateOptionsResult Validate(string? name, ClockOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
