using ContainerTag.Core.Protocol;
using Tracking.Gateway.Alerts.Config;
using Tracking.Gateway.Alerts.Hosting;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>
/// Profile to tag config (protocol.md 4.4), hand-computed: the tightest non-info temperature limits moved one
/// centi-degree inside (the rules are inclusive, the tag compares strictly), the shorter delay of the two, the profile's
/// shock and battery thresholds, sample/report from the options; and the tag's own parser accepts every result.
/// </summary>
public class TagConfigMapperTests
{
    private static readonly AlertsOptions Options = new();

    private static TagConfig Map(Profile profile)
    {
        TagConfig? config = TagConfigMapper.Map(profile, Options, out string? error);
        Assert.True(config is not null, error);
        // What the tag does with it: the published JSON parsed by the tag's own parser gives the same values.
        byte[] payload = TagConfigPayload.Encode(config);
        var parser = new ConfigParser();
        TagConfig? parsed = parser.Parse(payload, payload.Length);
        Assert.True(parsed is not null, parser.Error);
        Assert.True(parsed.SameAs(config));
        return config;
    }

    [Theory]
    // name, t_lo, t_hi, t_delay_s, shock_g, bat_lo
    [InlineData("pharma_2_8", 2.01, 7.99, 1800, 4.0, 3.4)]
    [InlineData("frozen", -40.0, -18.01, 1800, 6.0, 3.4)]          // no lower band: the sensor's range end
    [InlineData("chilled_produce", 0.01, 3.99, 1800, 4.0, 3.4)]    // the humidity band has no place in the tag's config
    [InlineData("crt_15_25", 15.01, 24.99, 1800, 6.0, 3.4)]        // 25 (warning, 24 h) and 15 (alarm, 30 min): the shorter delay
    [InlineData("dry_goods", -40.0, 44.99, 3600, 8.0, 3.4)]
    public void The_presets_map_to_the_tightest_limits_one_centidegree_inside(string name, double low, double high, int delay, double shock, double battery)
    {
        TagConfig c = Map(ProfilePresets.Find(name)!);

        Assert.Equal((300, 3600), (c.SampleS, c.ReportS));
        Assert.Equal((low, high, delay, shock, battery), (c.TempLowC, c.TempHighC, c.TempDelayS, c.ShockG, c.BatteryLowV));
    }

    [Fact]
    public void Info_bands_are_not_urgent_and_odd_limits_round_inwards_on_the_centidegree_grid()
    {
        var profile = new Profile
        {
            Name = "p",
            Bands =
            [
                new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 5, Severity = Severity.Info },
                new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 8.005, Delay = TimeSpan.FromSeconds(90.9) },
                // 1.1 * 100 is 110.00000000000001 in binary: still 1.10, so the tag's strict "below" starts at 1.11.
                new Band { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = 1.1, Delay = TimeSpan.FromHours(800) },
            ],
        };

        TagConfig c = Map(profile);

        // 8.005 inclusive: 8.01 is outside, 8.00 is not, so "above 8.00".
        Assert.Equal((1.11, 8.0, 90), (c.TempLowC, c.TempHighC, c.TempDelayS));
        Assert.Equal((4.0, 3.4), (c.ShockG, c.BatteryLowV)); // no thresholds in the profile: the options'
    }

    [Fact]
    public void Without_temperature_bands_the_tag_never_reports_temperature_and_values_are_clamped_to_its_ranges()
    {
        var profile = new Profile { Name = "p", ShockG = 40, BatteryV = 9, Bands = [new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 200, Delay = TimeSpan.FromDays(3) }] };

        TagConfig c = Map(profile);

        Assert.Equal((-40.0, 85.0, 86400, 27.7, 5.0), (c.TempLowC, c.TempHighC, c.TempDelayS, c.ShockG, c.BatteryLowV));
        Assert.Equal((-40.0, 85.0), (Map(new Profile { Name = "q" }).TempLowC, Map(new Profile { Name = "q" }).TempHighC));
    }

    [Fact]
    public void Crossing_bands_make_no_config_and_say_why_in_the_tags_words()
    {
        var profile = new Profile
        {
            Name = "p",
            Bands =
            [
                new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 5 },
                new Band { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = 5 },
            ],
        };

        Assert.Null(TagConfigMapper.Map(profile, Options, out string? error));
        Assert.Equal("t_hi: must be greater than t_lo", error);
    }

    [Fact]
    public void The_payload_has_every_field_in_the_documented_order()
    {
        TagConfig c = Map(ProfilePresets.Pharma2To8);

        Assert.Equal("""{"v":1,"sample_s":300,"report_s":3600,"t_lo":2.01,"t_hi":7.99,"t_delay_s":1800,"shock_g":4,"bat_lo":3.4}""",
            System.Text.Encoding.UTF8.GetString(TagConfigPayload.Encode(c)));
        Assert.Equal("tracking/v1/acme/CSQU3054383/tag7/config", TagConfigPayload.Topic(new("acme", "CSQU3054383"), "tag7"));
    }

    [Fact]
    public void Options_the_tags_would_refuse_are_refused_at_start()
    {
        var validator = new AlertsOptionsValidator();

        Assert.True(validator.Validate(null, new AlertsOptions()).Succeeded);
        Assert.Contains("report_s", validator.Validate(null, new AlertsOptions { ConfigSampleS = 600, ConfigReportS = 300 }).FailureMessage);
        Assert.Contains("sample_s", validator.Validate(null, new AlertsOptions { ConfigSampleS = 5 }).FailureMessage);
        Assert.Contains("shock_g", validator.Validate(null, new AlertsOptions { ConfigShockG = 0.1 }).FailureMessage);
        Assert.Contains("bat_lo", validator.Validate(null, new AlertsOptions { ConfigBatteryV = -1 }).FailureMessage);
    }
}
