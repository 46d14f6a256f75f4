using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Clock;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx;

namespace Tracking.Gateway.Tests.Configuration;

/// <summary>Each settings section is bound and checked once, at start, by its validator (AddIngest), and handed out as that instance.</summary>
public sealed class SettingsValidationTests
{
    private static readonly string[] Valid = ["--spool-dir", Path.Combine(Path.GetTempPath(), "tracking-tests", "settings"), "--http-url", "http://127.0.0.1:0"];

    [Fact]
    public async Task Every_section_is_built_once_and_the_validated_instance_is_the_one_handed_out()
    {
        await using var app = GatewayApp.Build(Valid);
        GatewayApp.ValidateSettings(app.Services);

        AssertSame<MqttOptions>(app.Services);
        AssertSame<IngestOptions>(app.Services);
        AssertSame<WriterOptions>(app.Services);
        AssertSame<SpoolOptions>(app.Services);
        AssertSame<InfluxOptions>(app.Services);
        AssertSame<HealthOptions>(app.Services);
        AssertSame<DeadLetterOptions>(app.Services);
        // one clock for every room: the gateway's (the machine's time without Clock:Offset)
        var clock = Assert.IsType<GatewayClock>(app.Services.GetRequiredService<TimeProvider>());
        Assert.Equal(TimeSpan.Zero, clock.Offset);
    }

    [Theory]
    [InlineData("--Writer:Concurrency=0", "Writer:Concurrency must be positive")]
    [InlineData("--Ingest:DedupeMaxTags=1", "Ingest:DedupeMaxTags must be at least 2")]
    [InlineData("--Spool:SegmentBytes=10", "Spool:SegmentBytes must be at least 4096")]
    [InlineData("--Influx:Retry:MaxAttempts=3", "Influx:Retry:MaxAttempts must stay unset")]
    [InlineData("--Influx:RequestTimeout=00:00:00", "Influx: RequestTimeout must be positive")]
    [InlineData("--DeadLetters:MaxFiles=0", "DeadLetters:MaxFiles must be at least 1")]
    [InlineData("--Mqtt:SharedGroup=gw/1", "Mqtt:SharedGroup must not contain '/', '+' or '#'")]
    [InlineData("--Mqtt:ReceiveCoalesceDelay=00:00:01", "Mqtt:ReceiveCoalesceDelay must be 00:00:00 (off)")]
    [InlineData("--Mqtt:ReceiveCoalesceDelay=-00:00:00.001", "Mqtt:ReceiveCoalesceDelay must be 00:00:00 (off)")]
    public async Task A_bad_value_is_one_configuration_error_naming_its_key(string setting, string message)
    {
        await using var app = GatewayApp.Build([.. Valid, setting]);
        var error = Assert.Throws<GatewayConfigurationException>(() => GatewayApp.ValidateSettings(app.Services));
        Assert.StartsWith(message, error.Message);
    }

    private static void AssertSame<TOptions>(IServiceProvider services)
        where TOptions : class =>
        Assert.Same(services.GetRequiredService<IOptionsMonitor<TOptions>>().CurrentValue, services.GetRequiredService<IOptions<TOptions>>().Value);
}
