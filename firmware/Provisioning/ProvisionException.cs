namespace Tracking.Provisioning;

/// <summary>A bad command line: names the option and the rule it breaks. Exit code 2.</summary>
internal sealed class ProvisionException(string field, string rule) : Exception($"{field}: {rule}")
{
    public string Field { get; } = field;
    public string Rule { get; } = rule;
}
