using System.Security.Authentication;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TagSimulator.Uplink;
using Tracking.Mqtt;
using static Tracking.Security.Tests.SecuredBrokerFixture;

namespace Tracking.Security.Tests;

/// <summary>
/// The generated broker configuration against real mosquitto 2.0: per-tag credentials, the ACL patterns and the TLS-only
/// listener (issue 14, "Security"). "Nothing arrives" is checked with a marker message sent after the refused one on
/// the same connection: the broker handles one connection's publishes in order, so once the marker is in, the refused
/// message would have been too.
/// </summary>
public sealed class BrokerAclTests(SecuredBrokerFixture fixture) : IClassFixture<SecuredBrokerFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static async Task<MqttMessage> ReceiveAsync(MqttClient client)
    {
        using var cts = new CancellationTokenSource(Deadline);
        return await client.Messages.ReadAsync(cts.Token);
    }

    private async Task<MqttClient> GatewaySubscribedAsync(string filter)
    {
        MqttClient gateway = await fixture.ConnectGatewayAsync();
        await gateway.SubscribeAsync(filter, MqttQos.AtLeastOnce);
        return gateway;
    }

    [Fact]
    public async Task A_tag_publishes_its_own_topics_and_a_gateway_reads_them_through_a_shared_subscription()
    {
        await using MqttClient gateway = await GatewaySubscribedAsync("$share/acl-own/tracking/v1/+/+/+/+");
        await using MqttClient tag7 = await fixture.ConnectAsync(User("tag7"), Tag7Password);
        foreach (string kind in new[] { "telemetry", "event", "status" })
        {
            await tag7.PublishAsync(Topic("tag7", kind), Bytes(kind), MqttQos.AtLeastOnce);
        }

        var topics = new List<string>();
        for (int i = 0; i < 3; i++) topics.Add((await ReceiveAsync(gateway)).Topic);
        Assert.Equal([Topic("tag7", "telemetry"), Topic("tag7", "event"), Topic("tag7", "status")], topics);
    }

    [Fact]
    public async Task A_tag_cannot_publish_as_another_tag_the_broker_drops_it()
    {
        await using MqttClient gateway = await GatewaySubscribedAsync("tracking/v1/+/+/+/+");
        await using MqttClient tag7 = await fixture.ConnectAsync(User("tag7"), Tag7Password);
        foreach (string kind in new[] { "telemetry", "event", "status", "config" })
        {
            await tag7.PublishAsync(Topic("tag8", kind), Bytes("forged " + kind), MqttQos.AtLeastOnce);
        }
        // Its own config is the gateway's to write, not the tag's.
        await tag7.PublishAsync(Topic("tag7", "config"), Bytes("forged own config"), MqttQos.AtLeastOnce);
        await tag7.PublishAsync(Topic("tag7", "telemetry"), Bytes("marker"), MqttQos.AtLeastOnce);

        MqttMessage first = await ReceiveAsync(gateway);
        List<MqttMessage> more = await DrainAsync(gateway, Quiet);
        Assert.Equal("marker", Text(first));
        Assert.Empty(more);
    }

    [Fact]
    public async Task A_tag_cannot_read_another_tags_data_or_config()
    {
        await using (MqttClient gateway = await fixture.ConnectGatewayAsync())
        {
            await gateway.PublishAsync(Topic("tag7", "config"), Bytes("config of tag7"), MqttQos.AtLeastOnce, retain: true);
            await gateway.PublishAsync(Topic("tag8", "config"), Bytes("config of tag8"), MqttQos.AtLeastOnce, retain: true);
        }

        await using MqttClient tag7 = await fixture.ConnectAsync(User("tag7"), Tag7Password);
        foreach (string filter in new[] { "tracking/v1/#", "#", Topic("tag8", "config"), Topic("tag8", "telemetry"), Topic("tag7", "config") })
        {
            await tag7.SubscribeAsync(filter, MqttQos.AtLeastOnce);
        }

        await using (MqttClient tag8 = await fixture.ConnectAsync(User("tag8"), Tag8Password))
        {
            await tag8.PublishAsync(Topic("tag8", "telemetry"), Bytes("data of tag8"), MqttQos.AtLeastOnce);
            await tag8.PublishAsync(Topic("tag8", "status"), Bytes("status of tag8"), MqttQos.AtLeastOnce, retain: true);
        }

        List<MqttMessage> received = [await ReceiveAsync(tag7), .. await DrainAsync(tag7, Quiet)];
        // Its own retained config, once per matching subscription at most: nothing of tag8.
        Assert.NotEmpty(received);
        Assert.All(received, m => Assert.Equal((Topic("tag7", "config"), "config of tag7"), (m.Topic, Text(m))));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_wrong_password_an_unknown_user_and_no_credential_are_refused(MqttProtocolVersion version)
    {
        foreach ((string? user, string? password) in new[]
        {
            (User("tag7"), Tag8Password), (User("tag9"), Tag7Password), (null, null), ("gw.main", Tag7Password),
        })
        {
            await using var client = new MqttClient(fixture.Options(user, password, version));
            var refused = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync());
            Assert.Contains(refused.ReasonCode, new[] { MqttReasonCode.NotAuthorized, MqttReasonCode.BadUserNameOrPassword });
        }
    }

    [Fact]
    public async Task Plain_tcp_is_refused_when_only_tls_is_configured()
    {
        string config = await File.ReadAllTextAsync(Path.Combine(fixture.Broker.Directory, "mosquitto.conf"));
        Assert.Single(config.Split('\n'), l => l.StartsWith("listener ", StringComparison.Ordinal));

        MqttClientOptions options = fixture.Options(User("tag7"), Tag7Password);
        options.Tls = null;
        options.ConnectTimeout = TimeSpan.FromSeconds(5);
        await using var client = new MqttClient(options);
        Exception refused = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync());
        Assert.False(client.IsConnected);
        Assert.True(refused is IOException or SocketException or TimeoutException or OperationCanceledException or MqttProtocolException,
            refused.ToString());
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_broker_certificate_does_not_connect()
    {
        string otherPki = Path.Combine(Path.GetTempPath(), "tracking-tests", "other-ca-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await DeployScripts.RunOkAsync("make-certs", ["ca", otherPki]);
            var other = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            other.ImportFromPemFile(Path.Combine(otherPki, "ca.pem"));
            MqttClientOptions options = fixture.Options(User("tag7"), Tag7Password);
            options.Tls = new MqttTlsOptions { TrustedCertificateAuthorities = other };
            await using var client = new MqttClient(options);
            await Assert.ThrowsAsync<AuthenticationException>(() => client.ConnectAsync());

            // The right CA but a name the certificate does not carry: refused as well.
            options = fixture.Options(User("tag7"), Tag7Password);
            options.Tls!.TargetHost = "broker.example";
            await using var misnamed = new MqttClient(options);
            await Assert.ThrowsAsync<AuthenticationException>(() => misnamed.ConnectAsync());
        }
        finally
        {
            Directory.Delete(otherPki, recursive: true);
        }
    }

    [Fact]
    public async Task The_gateway_account_reads_tag_data_but_cannot_publish_it()
    {
        await using MqttClient gateway = await GatewaySubscribedAsync("tracking/v1/+/+/+/telemetry");
        // MQTT 5 lets the broker say so: PUBACK with Not Authorized (0x87); the message goes nowhere.
        var refused = await Assert.ThrowsAsync<MqttPublishException>(
            async () => await gateway.PublishAsync(Topic("tag7", "telemetry"), Bytes("forged by the gateway"), MqttQos.AtLeastOnce));
        Assert.Contains("NotAuthorized", refused.Message, StringComparison.Ordinal);
        await using MqttClient tag7 = await fixture.ConnectAsync(User("tag7"), Tag7Password);
        await tag7.PublishAsync(Topic("tag7", "telemetry"), Bytes("marker"), MqttQos.AtLeastOnce);

        MqttMessage first = await ReceiveAsync(gateway);
        Assert.Equal("marker", Text(first));
        Assert.Empty(await DrainAsync(gateway, Quiet));
    }

    [Fact]
    public async Task The_gateway_account_speaks_on_the_gateways_status_topics_and_reads_sys_a_tag_does_neither()
    {
        // Scale-out (gateway README, "Scale-out"): liveness on tracking/gateways/{group}/{id}, broker totals from $SYS.
        await using MqttClient gateway = await GatewaySubscribedAsync("tracking/gateways/#");
        await gateway.SubscribeAsync("tracking/v1/+/+/+/telemetry", MqttQos.AtLeastOnce);
        await gateway.PublishAsync("tracking/gateways/acl/gw-1", Bytes("online"), MqttQos.AtLeastOnce);
        Assert.Equal("online", Text(await ReceiveAsync(gateway)));

        await using MqttClient sys = await fixture.ConnectGatewayAsync();
        await sys.SubscribeAsync("$SYS/broker/version", MqttQos.AtLeastOnce); // retained by mosquitto
        Assert.StartsWith("mosquitto", Text(await ReceiveAsync(sys)), StringComparison.Ordinal);

        // A tag must not fake a gateway's death (a takeover of a live member's session) nor read the broker's totals.
        await using MqttClient tag7 = await fixture.ConnectAsync(User("tag7"), Tag7Password);
        await tag7.SubscribeAsync("$SYS/broker/version", MqttQos.AtLeastOnce);
        await tag7.PublishAsync("tracking/gateways/acl/gw-1", Bytes("offline"), MqttQos.AtLeastOnce);
        await tag7.PublishAsync(Topic("tag7", "telemetry"), Bytes("marker"), MqttQos.AtLeastOnce);
        Assert.Equal("marker", Text(await ReceiveAsync(gateway)));
        Assert.Empty(await DrainAsync(gateway, Quiet));
        Assert.Empty(await DrainAsync(tag7, Quiet));
    }

    [Fact]
    public async Task The_simulator_connects_over_tls_and_speaks_only_for_its_own_fleet()
    {
        await using MqttClient gateway = await GatewaySubscribedAsync("tracking/v1/+/+/+/+");
        var security = new BrokerSecurity
        {
            Tls = true, CaFile = fixture.Broker.CaFile, Username = "sim.simfleet", PasswordFile = fixture.SimulatorPasswordFile,
        };
        await using (var transport = new MqttTransport("localhost", fixture.Broker.TlsPort, "simfleet", 2, NullLoggerFactory.Instance, security))
        {
            using var cts = new CancellationTokenSource(Deadline);
            await transport.ConnectAsync(cts.Token);
            Assert.True(await transport.PublishAsync(0, $"tracking/v1/{Fleet}/{Container}/tag7/telemetry", Bytes("other fleet"), retain: false));
            Assert.True(await transport.PublishAsync(0, "tracking/v1/simfleet/CSQU3054383/t1/telemetry", Bytes("own fleet"), retain: false));
        }

        MqttMessage first = await ReceiveAsync(gateway);
        Assert.Equal(("tracking/v1/simfleet/CSQU3054383/t1/telemetry", "own fleet"), (first.Topic, Text(first)));
        Assert.Empty(await DrainAsync(gateway, Quiet));
    }
}
