using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Alerts.Hosting;
using Tracking.Gateway.Api.Dashboard;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Clock;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Report;
using Tracking.Influx;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.Configuration;

/// <summary>
/// gateway.sample.jsonc (beside the host) cannot go stale: it loads through the gateway's own binding and validation,
/// the values it shows are the defaults, and every settable property of every settings section is in it.
/// </summary>
public sealed class SampleConfigurationTests
{
    private static readonly string Sample = RepoPaths.Of("gateway", "Tracking.Gateway", "gateway.sample.jsonc");

    private static readonly (Type Type, string Section)[] Sections =
    [
        (typeof(MqttOptions), MqttOptions.SectionName), (typeof(IngestOptions), IngestOptions.SectionName),
        (typeof(SpoolOptions), SpoolOptions.SectionName), (typeof(WriterOptions), WriterOptions.SectionName),
        (typeof(InfluxOptions), InfluxOptions.SectionName), (typeof(HealthOptions), HealthOptions.SectionName),
        (typeof(DeadLetterOptions), DeadLetterOptions.SectionName), (typeof(ReportOptions), ReportOptions.SectionName),
        (typeof(TagRateLimitOptions), TagRateLimitOptions.SectionName),
        (typeof(RulesOptions), RulesOptions.Section),
        (typeof(AlertsOptions), AlertsOptions.Section),
        (typeof(LiveOptions), LiveOptions.SectionName),
        (typeof(DashboardOptions), DashboardOptions.SectionName),
        (typeof(ClockOptions), ClockOptions.SectionName),
    ];

    /// <summary>Properties the gateway sets from a key of another name (Influx:Version is "1|2|3", AddIngest maps it).</summary>
    private static readonly Dictionary<string, string> KeyOf = new() { ["Influx:ApiVersion"] = "Version" };

    [Fact]
    public async Task The_sample_loads_through_binding_and_validation_and_shows_the_defaults()
    {
        await using var sample = GatewayApp.Build(["--config", Sample]);
        GatewayApp.ValidateSettings(sample.Services);
        await using var defaults = GatewayApp.Build([]);
        GatewayApp.ValidateSettings(defaults.Services);

        foreach (var (type, section) in Sections)
        {
            AssertSameValues(section, Settings(defaults.Services, type), Settings(sample.Services, type));
        }

        Assert.Equal(defaults.Configuration["Http:Url"] ?? GatewayApp.DefaultHttpUrl, sample.Configuration["Http:Url"]);
    }

    [Fact]
    public void Every_setting_of_every_section_and_every_flag_is_in_the_sample()
    {
        string[] lines = File.ReadAllLines(Sample);
        foreach (var (type, section) in Sections)
        {
            string block = Block(lines, section);
            foreach (string name in Names(type, section))
            {
                Assert.True(block.Contains($"\"{name}\":", StringComparison.Ordinal), $"{section}:{name} is not in gateway.sample.jsonc");
            }
        }

        foreach (var (flag, key, _) in CommandLine.Flags)
        {
            string[] parts = key.Split(':');
            Assert.True(Block(lines, parts[0]).Contains($"\"{parts[1]}\":", StringComparison.Ordinal), $"{key} ({flag}) is not in gateway.sample.jsonc");
        }
    }

    private static object Settings(IServiceProvider services, Type type)
    {
        object options = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
        return options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options)!;
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });

    /// <summary>A nested settings class (Influx:Retry) rather than a value.</summary>
    private static bool IsSection(Type type) => type.IsClass && type.Namespace?.StartsWith("Tracking.", StringComparison.Ordinal) == true;

    private static IEnumerable<string> Names(Type type, string section)
    {
        foreach (PropertyInfo property in Settable(type))
        {
            yield return KeyOf.GetValueOrDefault($"{section}:{property.Name}", property.Name);
            if (IsSection(property.PropertyType))
            {
                foreach (string inner in Names(property.PropertyType, $"{section}:{property.Name}")) yield return inner;
            }
        }
    }

    private static void AssertSameValues(string path, object expected, object actual)
    {
        foreach (PropertyInfo property in Settable(expected.GetType()))
        {
            object? want = property.GetValue(expected), got = property.GetValue(actual);
            if (want is not null && IsSection(property.PropertyType))
            {
                AssertSameValues($"{path}:{property.Name}", want, got!);
                continue;
            }

            if (want is System.Collections.IEnumerable wantItems and not string && got is System.Collections.IEnumerable gotItems)
            {
                // A list (Alerts:Webhooks): the same items, not the same instance.
                Assert.True(wantItems.Cast<object>().SequenceEqual(gotItems.Cast<object>()), $"{path}:{property.Name} differs from its default");
                continue;
            }

            Assert.True(Equals(want, got), $"{path}:{property.Name} is {got ?? "unset"} in the sample but {want ?? "unset"} by default");
        }
    }

    /// <summary>The text of a top-level section: from its <c>"Name": {</c> line to the closing brace at the same indent.</summary>
    private static string Block(string[] lines, string section)
    {
        int start = Array.FindIndex(lines, l => l == $"  \"{section}\": {{");
        Assert.True(start >= 0, $"section {section} is not in gateway.sample.jsonc");
        int end = Array.FindIndex(lines, start, l => l is "  }," or "  }");
        return string.Join('\n', lines[start..end]);
    }
}
