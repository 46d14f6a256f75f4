namespace Tracking.Testing.EndToEnd;

/// <summary>
/// What an end-to-end test runs the gateway on: a real mosquitto, a real influxd with the database
/// <see cref="Database"/>, and the gateway as a child process pointed at both (not started: the test starts it when its
/// own setup is ready, and may kill and restart it). Disposing stops all three.
/// </summary>
public sealed class GatewayRig : IAsyncDisposable
{
    public const string Database = "tracking";

    private GatewayRig(MosquittoServer mqtt, InfluxdServer influx, GatewayProcess gateway) => (Mqtt, Influx, Gateway) = (mqtt, influx, gateway);

    public MosquittoServer Mqtt { get; }

    public InfluxdServer Influx { get; }

    public GatewayProcess Gateway { get; }

    /// <param name="clientId">The gateway's MQTT client id (its broker session across restarts).</param>
    /// <param name="gatewayArguments">More gateway settings, e.g. <c>--Rules:DefaultProfile=pharma_2_8</c>.</param>
    public static async Task<GatewayRig> StartAsync(string clientId, params IEnumerable<string> gatewayArguments)
    {
        MosquittoServer mqtt = await MosquittoServer.StartAsync();
        try
        {
            InfluxdServer influx = await InfluxdServer.StartAsync();
            try
            {
                await influx.CreateDatabaseAsync(Database);
                return new GatewayRig(mqtt, influx, new GatewayProcess($"mqtt://127.0.0.1:{mqtt.Port}", influx.Url, Database, clientId, gatewayArguments));
            }
            catch
            {
                await influx.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await mqtt.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Mqtt.DisposeAsync();
        await Influx.DisposeAsync();
    }
}
