using System.Text;
using ContainerTag.Core.Protocol;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Alerts.Config;
using Tracking.Gateway.Alerts.Hosting;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Mqtt;
using Tracking.Testing;
using Tracking.Testing.Schema;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>
/// The retained tag config (protocol.md 4.4) against a real mosquitto: a subscriber that connects afterwards (as a tag
/// does when it wakes) gets each tag's config from the broker, with the values of the profile in force, in the form the
/// tag's own parser accepts.
/// </summary>
public sealed class TagConfigPublisherTests : IAsyncLifetime
{
    private static readonly SubsetSchemaValidator Schema = new(RepoPaths.Of("docs", "schema"));
    private static readonly ContainerKey Box = new("fleet1", "CSQU3054383");
    private static readonly ContainerKey Other = new("fleet1", "MSCU1234565");

    private readonly InMemoryRuleStore _store = new();
    private MosquittoServer _broker = null!;
    private MqttAlertPublisher _mqtt = null!;
    private RuleEngine _engine = null!;
    private MqttTagConfigPublisher _publisher = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = false });
        _mqtt = new MqttAlertPublisher(new MqttClientOptions { Host = _broker.Host, Port = _broker.Port, ClientId = "gw-alerts" });
        _engine = new RuleEngine(_store, [], Options.Create(new RulesOptions()), TimeProvider.System);
        _publisher = new MqttTagConfigPublisher(_mqtt, _store, _engine, new AlertsOptions { ConfigSampleS = 60, ConfigReportS = 900 }, null);
    }

    public async Task DisposeAsync()
    {
        await _publisher.DisposeAsync();
        await _mqtt.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task An_assignment_reaches_every_tag_the_engine_knows_as_a_retained_config_the_tag_accepts()
    {
        // tag7 and tag8 have sent readings (the engine keeps them in the container's state); tag9 only a status (seen).
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await _engine.ProcessAsync([RuleInput.Reading(Box, "tag7", 1, 1, now, 5), RuleInput.Reading(Box, "tag8", 1, 1, now, 5)]);
        _publisher.TagSeen(Other, "tag1");
        await _store.AssignProfileAsync(Box, "pharma_2_8");
        await _publisher.ProfileAssignedAsync(Box, ProfilePresets.Pharma2To8, CancellationToken.None);
        await Alerts.EventuallyAsync(() => _publisher.Outbox.Processed == 2, "the tag and the assignment to be handled");

        Dictionary<string, TagConfig> configs = await RetainedAsync("tracking/v1/fleet1/+/+/config", 2);

        Assert.Equal(["tracking/v1/fleet1/CSQU3054383/tag7/config", "tracking/v1/fleet1/CSQU3054383/tag8/config"], configs.Keys.Order());
        TagConfig c = configs["tracking/v1/fleet1/CSQU3054383/tag7/config"];
        Assert.Equal((60, 900, 2.01, 7.99, 1800, 4.0, 3.4), (c.SampleS, c.ReportS, c.TempLowC, c.TempHighC, c.TempDelayS, c.ShockG, c.BatteryLowV));
    }

    [Fact]
    public async Task A_tag_first_seen_after_the_assignment_gets_its_containers_config_once()
    {
        await _store.AssignProfileAsync(Box, "frozen");
        await _publisher.ProfileAssignedAsync(Box, ProfilePresets.Frozen, CancellationToken.None); // no tag known yet: nothing to publish

        for (int i = 0; i < 3; i++) _publisher.TagSeen(Box, "tag7");
        _publisher.TagSeen(Other, "tag1"); // no profile in force for it: its tag keeps its config
        await Alerts.EventuallyAsync(() => _publisher.Outbox.Processed == 3, "the assignment and the two tags to be handled");

        TagConfig c = Assert.Single(await RetainedAsync("tracking/v1/fleet1/+/+/config", 1)).Value;
        Assert.Equal((-40.0, -18.01, 6.0), (c.TempLowC, c.TempHighC, c.ShockG));
    }

    [Fact]
    public async Task A_fleet_default_goes_to_the_fleets_containers_each_with_the_profile_in_force()
    {
        _publisher.TagSeen(Box, "tag7");
        _publisher.TagSeen(Other, "tag1");
        _publisher.TagSeen(new ContainerKey("fleet2", "CSQU3054383"), "tag2");
        await Alerts.EventuallyAsync(() => _publisher.Outbox.Processed == 3, "the tags to be handled");

        await _store.AssignProfileAsync(Other, "frozen");
        await _store.AssignProfileAsync(ContainerKey.DefaultOf("fleet1"), "chilled_produce");
        await _publisher.ProfileAssignedAsync(ContainerKey.DefaultOf("fleet1"), ProfilePresets.ChilledProduce, CancellationToken.None);
        await Alerts.EventuallyAsync(() => _publisher.Outbox.Processed == 4, "the fleet default to be handled");

        Dictionary<string, TagConfig> configs = await RetainedAsync("tracking/+/+/+/+/config", 2);
        Assert.Equal(3.99, configs["tracking/v1/fleet1/CSQU3054383/tag7/config"].TempHighC);   // the fleet default
        Assert.Equal(-18.01, configs["tracking/v1/fleet1/MSCU1234565/tag1/config"].TempHighC); // its own assignment wins
        Assert.DoesNotContain("tracking/v1/fleet2/CSQU3054383/tag2/config", configs.Keys);      // another fleet
    }

    [Fact]
    public async Task A_changed_profile_reaches_the_tags_of_the_containers_it_is_in_force_for()
    {
        var custom = ProfilePresets.Pharma2To8 with { Name = "custom" };
        await _store.PutProfileAsync(custom);
        await _store.AssignProfileAsync(Box, "custom");
        await _store.AssignProfileAsync(Other, "frozen");
        _publisher.TagSeen(Box, "tag7");
        _publisher.TagSeen(Other, "tag1");
        await Alerts.EventuallyAsync(() => _publisher.Outbox.Processed == 2, "the tags to be handled");

        // The upper band moves from 8 to 10 C: tag7's config follows; tag1 (another profile) is left alone.
        Profile changed = custom with { Bands = [.. custom.Bands.Select(b => b.Metric == Metric.TemperatureC && b.Kind == BandKind.Upper ? b with { Limit = 10 } : b)] };
        await _store.PutProfileAsync(changed);
        await _publisher.ProfileChangedAsync(changed, CancellationToken.None);
        await Alerts.EventuallyAsync(() => _publisher.Outbox.Processed == 3, "the change to be handled");

        Dictionary<string, TagConfig> configs = await RetainedAsync("tracking/v1/fleet1/+/+/config", 2);
        Assert.Equal(9.99, configs["tracking/v1/fleet1/CSQU3054383/tag7/config"].TempHighC);
        Assert.Equal(-18.01, configs["tracking/v1/fleet1/MSCU1234565/tag1/config"].TempHighC);
    }

    /// <summary>Connects afresh (as a waking tag) and collects the retained configs the broker hands out.</summary>
    private async Task<Dictionary<string, TagConfig>> RetainedAsync(string filter, int expected)
    {
        await using var client = new MqttClient(new MqttClientOptions { Host = _broker.Host, Port = _broker.Port, ClientId = "tag-" + Guid.NewGuid().ToString("N")[..8] });
        await client.ConnectAsync();
        await client.SubscribeAsync(filter);
        Dictionary<string, TagConfig> configs = [];
        while (true)
        {
            // After the expected ones, a short wait shows that nothing more is retained.
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(configs.Count < expected ? 10 : 0.5));
            MqttMessage message;
            try
            {
                message = await client.Messages.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (configs.Count >= expected)
            {
                return configs;
            }
            Assert.True(message.Retain);
            Assert.Equal(MqttQos.AtLeastOnce, message.Qos);
            string json = Encoding.UTF8.GetString(message.Payload.Span);
            Assert.Empty(Schema.Validate("config.schema.json", json));
            var parser = new ConfigParser();
            byte[] payload = message.Payload.ToArray();
            TagConfig? config = parser.Parse(payload, payload.Length);
            Assert.True(config is not null, $"{message.Topic}: {parser.Error}");
            configs[message.Topic] = config;
        }
    }
}
