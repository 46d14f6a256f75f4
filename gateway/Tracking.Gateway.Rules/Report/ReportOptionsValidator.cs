using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Rules.Report;

/// <summary>Rejects a "Reports" section the report cannot work with, at start, with every reason.</summary>
public sealed class ReportOptionsValidator : IValidateOptions<ReportOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportOptions options)
    {
        List<string> errors = [];
        if (options.MaxRange < TimeSpan.FromHours(1) || options.MaxRange > TimeSpan.FromDays(400))
        {
            errors.Add("Reports:MaxRange must be between 1 h and 400 days.");
        }
        if (options.AirLeg is not { } air)
        {
            errors.Add("Reports:AirLeg is required.");
        }
        else
        {
            if (!double.IsFinite(air.LowHpa) || !double.IsFinite(air.HighHpa) || air.LowHpa <= 0 || air.LowHpa >= air.HighHpa)
            {
                errors.Add("Reports:AirLeg:LowHpa must be positive and below Reports:AirLeg:HighHpa.");
            }
            if (air.MinDuration <= TimeSpan.Zero) errors.Add("Reports:AirLeg:MinDuration must be positive.");
            if (air.MaxDip < TimeSpan.Zero) errors.Add("Reports:AirLeg:MaxDip must not be negative.");
            if (air.MaxGap <= TimeSpan.Zero) errors.Add("Reports:AirLeg:MaxGap must be positive.");
        }
        if (options.DoorOpening is not { } door)
        {
            errors.Add("Reports:DoorOpening is required.");
        }
        else
        {
            if (!(door.TempJumpC > 0) || !double.IsFinite(door.TempJumpC)) errors.Add("Reports:DoorOpening:TempJumpC must be positive.");
            if (!(door.RhJumpPct > 0) || !double.IsFinite(door.RhJumpPct)) errors.Add("Reports:DoorOpening:RhJumpPct must be positive.");
            if (door.MaxStep <= TimeSpan.Zero) errors.Add("Reports:DoorOpening:MaxStep must be positive.");
            if (door.MaxOpen <= TimeSpan.Zero) errors.Add("Reports:DoorOpening:MaxOpen must be positive.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
