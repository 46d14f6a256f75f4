using Tracking.Mqtt;

namespace Tracking.Gateway.Alerts.Hosting;

/// <summary>
/// How the host's MQTT settings become the alert publisher's client options. The host owns them (the Mqtt section,
/// MqttClientSecurity live in the ingest room, which this room does not reference), so it registers this with
/// <see cref="AlertsServiceCollectionExtensions.AddAlertMqttConnection"/>.
/// </summary>
public sealed class AlertMqttConnection(Func<IServiceProvider, MqttClientOptions> build)
{
    public MqttClientOptions Build(IServiceProvider services) => build(services);
}
