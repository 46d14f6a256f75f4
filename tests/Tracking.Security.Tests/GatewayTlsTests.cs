using System.Security.Authentication;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Mqtt;
using static Tracking.Security.Tests.SecuredBrokerFixture;

namespace Tracking.Security.Tests;

/// <summary>
/// The gateway's own settings (Mqtt:Url mqtts://, CaFile, Username, PasswordFile, CertFile/KeyFile) against the generated
/// broker: the files deploy/broker-config wrote are all the gateway needs, and validation stays on.
/// </summary>
public sealed class GatewayTlsTests(SecuredBrokerFixture fixture) : IClassFixture<SecuredBrokerFixture>
{
    private MqttClientOptions GatewayOptions(MqttOptions settings)
    {
        var options = new MqttClientOptions { ClientId = "gw-" + Guid.NewGuid().ToString("N")[..8], AutoReconnect = false };
        MqttClientSecurity.Apply(settings, options);
        return options;
    }

    private MqttOptions Settings(string? caFile = null) => new()
    {
        Url = $"mqtts://gw.main@localhost:{fixture.Broker.TlsPort}",
        PasswordFile = fixture.GatewayPasswordFile,
        CaFile = caFile ?? fixture.Broker.CaFile,
        CertFile = Path.Combine(fixture.Broker.Directory, "pki", "gw.main.pem"),
        KeyFile = Path.Combine(fixture.Broker.Directory, "pki", "gw.main.key"),
    };

    [Fact]
    public async Task The_gateway_connects_with_the_generated_ca_password_file_and_client_certificate_and_publishes_config()
    {
        await using var gateway = new MqttClient(GatewayOptions(Settings()));
        await gateway.ConnectAsync();
        MqttPublishResult result = await gateway.PublishAsync(Topic("tag7", "config"), Bytes("{}"), MqttQos.AtLeastOnce, retain: true);
        Assert.True(result.IsSuccess, result.ReasonCode.ToString());

        await using MqttClient tag7 = await fixture.ConnectAsync(User("tag7"), Tag7Password);
        await tag7.SubscribeAsync(Topic("tag7", "config"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.Equal("{}", Text(await tag7.Messages.ReadAsync(cts.Token)));
    }

    [Fact]
    public async Task The_gateway_refuses_a_broker_whose_certificate_its_ca_file_does_not_vouch_for()
    {
        string otherPki = Path.Combine(Path.GetTempPath(), "tracking-tests", "gw-other-ca-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await DeployScripts.RunOkAsync("make-certs", ["ca", otherPki]);
            await using var gateway = new MqttClient(GatewayOptions(Settings(Path.Combine(otherPki, "ca.pem"))));
            await Assert.ThrowsAsync<AuthenticationException>(() => gateway.ConnectAsync());
        }
        finally
        {
            Directory.Delete(otherPki, recursive: true);
        }
    }

    [Fact]
    public void A_tls_file_without_mqtts_is_a_configuration_error()
    {
        MqttOptions settings = Settings();
        settings.Url = $"mqtt://gw.main@localhost:{fixture.Broker.TlsPort}";
        Assert.Throws<GatewayConfigurationException>(() => GatewayOptions(settings));
    }
}
