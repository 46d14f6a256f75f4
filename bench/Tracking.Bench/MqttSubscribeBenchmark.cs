using System.Diagnostics;
using System.Text;
using MQTTnet.Protocol;
using Tracking.Mqtt;
using Tracking.Testing;
using static Tracking.Bench.BenchSupport;

namespace Tracking.Bench;

/// <summary>
/// Subscribe throughput: a persistent session's queue of N QoS 1 messages (~120 bytes) drained by
/// Tracking.Mqtt, by mosquitto_sub (the C client) and by MQTTnet (automatic and manual acknowledgement, the way the
/// gateway must acknowledge: after the message is durable) from the same mosquitto, alternating, in one run.
/// Queuing first (from a child process) measures the subscriber alone.
/// </summary>
internal static class MqttSubscribeBenchmark
{
    private const string Topic = "bench/v1/fleet/MSCU1234565/tag-01/telemetry";

    public static async Task<int> RunAsync(string[] args)
    {
        int messages = IntOption(args, "--messages", 100_000);
        int rounds = IntOption(args, "--rounds", 3);
        await using var broker = await MosquittoServer.StartAsync(new MosquittoOptions
        {
            Persistence = false, ExtraConfig = ["max_queued_messages 0", "max_queued_bytes 0"],
        });
        Console.WriteLine($"mqtt-subscribe: {messages:N0} QoS 1 messages of {PayloadSize} bytes queued in mosquitto " +
                          $"(loopback, max_inflight_messages 20 default), drained by each subscriber; {rounds} rounds, best of each");

        var theirs = new List<double>();
        var ours = new List<double>();
        var mqttnetAuto = new List<double>();
        var mqttnetManual = new List<double>();
        long ourRss = 0;
        for (int round = 1; round <= rounds; round++)
        {
            theirs.Add(await DrainWithMosquittoSubAsync(broker, messages));
            // The RSS target is Tracking.Mqtt's: its window excludes the MQTTnet drains in this same process.
            bool windowed = ResetPeakRss();
            ours.Add(await DrainWithTrackingMqttAsync(broker, messages));
            ourRss = Math.Max(ourRss, windowed ? PeakRssBytes() : 0);
            mqttnetAuto.Add(await DrainWithMqttNetAsync(broker, messages, manualAck: false));
            mqttnetManual.Add(await DrainWithMqttNetAsync(broker, messages, manualAck: true));
            Console.WriteLine($"  round {round}: mosquitto_sub {messages / theirs[^1],10:N0} msg/s   Tracking.Mqtt {messages / ours[^1],10:N0} msg/s   " +
                              $"MQTTnet auto ack {messages / mqttnetAuto[^1],10:N0} msg/s   manual ack {messages / mqttnetManual[^1],10:N0} msg/s");
        }
        double best = messages / theirs.Min(), mine = messages / ours.Min();
        double auto = messages / mqttnetAuto.Min(), manual = messages / mqttnetManual.Min();
        long rss = ourRss > 0 ? ourRss : PeakRssBytes();
        Console.WriteLine($"  mosquitto_sub (C)   : {best,10:N0} msg/s");
        Console.WriteLine($"  Tracking.Mqtt       : {mine,10:N0} msg/s");
        Console.WriteLine($"  MQTTnet 5 auto ack  : {auto,10:N0} msg/s");
        Console.WriteLine($"  MQTTnet 5 manual ack: {manual,10:N0} msg/s");
        Console.WriteLine($"  ratio               : {mine / best:0.00}x mosquitto_sub (target >= 1.00x)");
        Console.WriteLine($"  ratio               : {mine / auto:0.00}x MQTTnet auto ack, {mine / manual:0.00}x MQTTnet manual ack (target >= 1.50x manual ack)");
        Console.WriteLine($"  peak RSS            : {rss / 1048576.0:0} MB while Tracking.Mqtt drains{(ourRss > 0 ? "" : " (whole run: no clear_refs)")} (target < 100 MB)");
        Console.WriteLine($"  allocated / message : {AllocatedPerMessage:0} bytes (the payload array alone is {PayloadSize + 24})");
        return 0;
    }

    private const int PayloadSize = 120;
    private static double AllocatedPerMessage;

    /// <summary>
    /// Queues the stream from a child process (so this process's memory is the subscriber's alone), with
    /// QoS 1 publishes each confirmed by PUBACK: mosquitto_pub -l exits at end of input with messages still
    /// unsent, so it cannot fill a queue exactly.
    /// </summary>
    private static async Task FillQueueAsync(MosquittoServer broker, int messages)
    {
        var fill = SelfProcess($"mqtt-fill {broker.Host} {broker.Port} {messages}");
        var (code, err) = await RunProcessAsync(fill.FileName, fill.Arguments);
        if (code != 0) throw new InvalidOperationException("queue filler failed: " + err);
    }

    /// <summary>The child process: publishes the benchmark stream and exits once every message is acknowledged.</summary>
    public static async Task<int> FillAsync(string[] args)
    {
        string host = args[0];
        int port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        int messages = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        await using var publisher = new MqttClient(new MqttClientOptions
        {
            Host = host, Port = port, ProtocolVersion = MqttProtocolVersion.V311, MaxInflight = 200,
        });
        await publisher.ConnectAsync();
        var pending = new Queue<ValueTask<MqttPublishResult>>();
        for (int i = 0; i < messages; i++)
        {
            // A telemetry-like payload padded to a fixed size.
            var line = $"{{\"v\":1,\"boot\":3,\"seq\":{i},\"t0\":1732600000000,\"bat\":3.92,\"r\":[[0,4.21,55.2,1013.2,0.12]]}}";
            pending.Enqueue(publisher.PublishAsync(Topic, Encoding.UTF8.GetBytes(line.PadRight(PayloadSize, ' '))));
            if (pending.Count >= 200) await pending.Dequeue();
        }
        while (pending.Count > 0) await pending.Dequeue();
        await publisher.DisconnectAsync();
        return 0;
    }

    private static async Task<double> DrainWithMosquittoSubAsync(MosquittoServer broker, int messages)
    {
        string id = "bench-c-" + Guid.NewGuid().ToString("N")[..6];
        string common = $"-h {broker.Host} -p {broker.Port} -q 1 -t {Topic} -i {id} -c";
        var (code, err) = await RunProcessAsync("mosquitto_sub", common + " -E"); // create the persistent session, then leave
        if (code != 0) throw new InvalidOperationException("mosquitto_sub failed: " + err);
        await FillQueueAsync(broker, messages);
        var watch = Stopwatch.StartNew();
        (code, err) = await RunProcessAsync("mosquitto_sub", common + $" -C {messages} -W 120");
        watch.Stop();
        if (code != 0) throw new InvalidOperationException("mosquitto_sub failed: " + err);
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> DrainWithTrackingMqttAsync(MosquittoServer broker, int messages)
    {
        var options = new MqttClientOptions
        {
            Host = broker.Host, Port = broker.Port, ProtocolVersion = MqttProtocolVersion.V311,
            ClientId = "bench-t-" + Guid.NewGuid().ToString("N")[..6], CleanStart = false,
        };
        await using (var setup = new MqttClient(options))
        {
            await setup.ConnectAsync();
            await setup.SubscribeAsync(Topic, MqttQos.AtLeastOnce);
            await setup.DisconnectAsync();
        }
        await FillQueueAsync(broker, messages);

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        await using var client = new MqttClient(options);
        await client.ConnectAsync();
        long bytes = 0;
        for (int i = 0; i < messages; i++)
        {
            var m = await client.Messages.ReadAsync();
            bytes += m.Payload.Length;
            if ((i & 0x3FFF) == 0) Progress("Tracking.Mqtt draining", i, messages);
        }
        watch.Stop();
        AllocatedPerMessage = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)messages;
        Progress("Tracking.Mqtt draining", messages, messages);
        if (bytes != (long)messages * PayloadSize) throw new InvalidOperationException($"received {bytes} payload bytes, expected {messages * PayloadSize}");
        await client.DisconnectAsync();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// MQTTnet 5 draining the same queue. With manual acknowledgement the handler hands the message on and acknowledges
    /// it itself, as the gateway must (after the spool commit); MQTTnet calls the handler one message at a time.
    /// </summary>
    private static async Task<double> DrainWithMqttNetAsync(MosquittoServer broker, int messages, bool manualAck)
    {
        string clientId = "bench-n-" + Guid.NewGuid().ToString("N")[..6];
        var factory = new MQTTnet.MqttClientFactory();
        MQTTnet.MqttClientOptions Options() => new MQTTnet.MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithClientId(clientId)
            .WithCleanSession(false)
            .Build();
        using (var setup = factory.CreateMqttClient())
        {
            await setup.ConnectAsync(Options());
            await setup.SubscribeAsync(new MQTTnet.MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await setup.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions(), CancellationToken.None);
        }
        await FillQueueAsync(broker, messages);

        using var client = factory.CreateMqttClient();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long received = 0, bytes = 0;
        string label = manualAck ? "MQTTnet (manual ack) draining" : "MQTTnet (auto ack) draining";
        client.ApplicationMessageReceivedAsync += async e =>
        {
            if (manualAck) e.AutoAcknowledge = false;
            bytes += e.ApplicationMessage.Payload.Length;
            long n = ++received;
            if (manualAck) await e.AcknowledgeAsync(CancellationToken.None);
            if ((n & 0x3FFF) == 0) Progress(label, (int)n, messages);
            if (n == messages) done.TrySetResult();
        };
        var watch = Stopwatch.StartNew();
        await client.ConnectAsync(Options());
        await done.Task.WaitAsync(TimeSpan.FromSeconds(300));
        watch.Stop();
        Progress(label, messages, messages);
        if (bytes != (long)messages * PayloadSize) throw new InvalidOperationException($"MQTTnet received {bytes} payload bytes, expected {messages * PayloadSize}");
        await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions(), CancellationToken.None);
        return watch.Elapsed.TotalSeconds;
    }
}
