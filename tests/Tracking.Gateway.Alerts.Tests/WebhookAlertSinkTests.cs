using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Tracking.Gateway.Alerts.Payloads;
using Tracking.Gateway.Alerts.Queueing;
using Tracking.Gateway.Alerts.Webhooks;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Retry;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>The webhook sink against a loopback receiver.</summary>
public sealed class WebhookAlertSinkTests : IDisposable
{
    private const string Secret = "s3cret-s3cret-s3cret";
    private readonly string _secretFile = Path.Combine(Path.GetTempPath(), "alerts-secret-" + Guid.NewGuid().ToString("N"));

    public WebhookAlertSinkTests() => File.WriteAllText(_secretFile, Secret + "\n");

    public void Dispose() => File.Delete(_secretFile);

    private static readonly Backoff Fast = new(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100));

    private WebhookAlertSink Sink(string url, WebhookFormat format = WebhookFormat.Tracking, int capacity = 100, TimeSpan? timeout = null) =>
        new([new WebhookOptions { Url = url, Format = format, SecretFile = _secretFile, QueueCapacity = capacity, Timeout = timeout ?? TimeSpan.FromSeconds(5) }],
            "urn:tracking:test", Fast);

    [Fact]
    public async Task The_signature_verifies_with_the_secret_and_the_timestamp_header()
    {
        await using var receiver = new WebhookReceiver();
        await using WebhookAlertSink sink = Sink(receiver.Url);
        await sink.PublishAsync(Alerts.Raised(Alerts.TempHigh()), CancellationToken.None);
        await Alerts.EventuallyAsync(() => sink.Targets[0].Delivered == 1, "delivery");

        (Dictionary<string, string> headers, byte[] body) = Assert.Single(receiver.Requests);
        string timestamp = headers["X-Tracking-Timestamp"];
        string signature = headers["X-Tracking-Signature"];
        Assert.StartsWith("sha256=", signature, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(Encoding.UTF8.GetBytes(Secret), timestamp, body, signature));
        Assert.False(WebhookSignature.Verify(Encoding.UTF8.GetBytes("wrong-secret-wrong"), timestamp, body, signature));
        Assert.False(WebhookSignature.Verify(Encoding.UTF8.GetBytes(Secret), (long.Parse(timestamp) + 1).ToString(), body, signature));

        // Independently of the sink's own helper: HMAC-SHA256 over "{timestamp}.{body}", lowercase hex.
        byte[] material = [.. Encoding.ASCII.GetBytes(timestamp + "."), .. body];
        string expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), material));
        Assert.Equal(expected, signature);

        using JsonDocument doc = JsonDocument.Parse(body);
        Assert.Equal("raised", doc.RootElement.GetProperty("state").GetString());
        Assert.Equal("CSQU3054383", doc.RootElement.GetProperty("container").GetString());
        Assert.Equal("raised", doc.RootElement.GetProperty("transition").GetString());
    }

    [Fact]
    public async Task The_dcsa_body_is_a_cloud_event_with_the_equipment_reference_and_alarm()
    {
        await using var receiver = new WebhookReceiver();
        await using WebhookAlertSink sink = Sink(receiver.Url, WebhookFormat.Dcsa);
        Alert alert = Alerts.TempHigh();
        await sink.PublishAsync(Alerts.Raised(alert), CancellationToken.None);
        await sink.PublishAsync(Alerts.Resolved(alert), CancellationToken.None);
        await Alerts.EventuallyAsync(() => sink.Targets[0].Delivered == 2, "two deliveries");

        JsonElement[] events = [.. receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement)];
        JsonElement raised = events[0];
        Assert.Equal("1.0", raised.GetProperty("specversion").GetString());
        Assert.Equal("urn:tracking:test", raised.GetProperty("source").GetString());
        Assert.Equal("org.dcsa.operational-reefer-notification.v1", raised.GetProperty("type").GetString());
        Assert.Equal("2024-11-26T05:58:43.456Z", raised.GetProperty("time").GetString());
        Assert.Equal("application/json", raised.GetProperty("datacontenttype").GetString());
        string id = raised.GetProperty("id").GetString()!;
        Assert.InRange(id.Length, 1, 100);
        Assert.NotEqual(id, events[1].GetProperty("id").GetString());
        JsonElement data = raised.GetProperty("data");
        Assert.Equal("ALARM", data.GetProperty("notificationType").GetString());
        Assert.Equal("CSQU3054383", data.GetProperty("equipmentReference").GetString());
        JsonElement alarm = data.GetProperty("alarm");
        Assert.Equal("ACTIVE", alarm.GetProperty("alarmStatus").GetString());
        Assert.Equal("temp_high", alarm.GetProperty("alarmNumber").GetString());
        Assert.Equal("ALARM", alarm.GetProperty("alarmSeverity").GetString());
        Assert.Equal("INACTIVE", events[1].GetProperty("data").GetProperty("alarm").GetProperty("alarmStatus").GetString());
        Assert.Equal("1.0.0", receiver.Requests.First().Headers["API-Version"]);
    }

    [Fact]
    public async Task A_500_is_retried_until_success()
    {
        await using var receiver = new WebhookReceiver(500, 503, 200);
        await using WebhookAlertSink sink = Sink(receiver.Url);
        await sink.PublishAsync(Alerts.Raised(Alerts.TempHigh()), CancellationToken.None);
        await Alerts.EventuallyAsync(() => sink.Targets[0].Delivered == 1, "delivery after two failures");
        Assert.Equal(3, receiver.Requests.Count);
        byte[][] bodies = [.. receiver.Requests.Select(r => r.Body)];
        Assert.All(bodies, b => Assert.Equal(bodies[0], b));
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        await using var receiver = new WebhookReceiver(400);
        await using WebhookAlertSink sink = Sink(receiver.Url);
        await sink.PublishAsync(Alerts.Raised(Alerts.TempHigh()), CancellationToken.None);
        await Alerts.EventuallyAsync(() => sink.Targets[0].Refused == 1, "the refusal");
        await Task.Delay(300); // several backoff periods: a retry would have come by now
        Assert.Single(receiver.Requests);
        Assert.Equal(0, sink.Targets[0].Delivered);
    }

    [Fact]
    public async Task A_hung_webhook_does_not_delay_publish_and_a_full_queue_refuses_the_new_notification()
    {
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hung = new WebhookReceiver(_ => release.Task);
        await using var healthy = new WebhookReceiver();
        await using var sink = new WebhookAlertSink(
            [
                new WebhookOptions { Url = hung.Url, SecretFile = _secretFile, QueueCapacity = 3, Timeout = TimeSpan.FromSeconds(30) },
                new WebhookOptions { Url = healthy.Url, SecretFile = _secretFile, QueueCapacity = 100 },
            ],
            "urn:tracking:test", Fast);

        var clock = Stopwatch.StartNew();
        List<int> refused = [];
        for (int i = 1; i <= 10; i++)
        {
            try
            {
                await sink.PublishAsync(Alerts.Raised(Alerts.TempHigh(id: i, tag: "tag" + i)), CancellationToken.None);
            }
            catch (AlertQueueRefusedException ex)
            {
                Assert.Equal((AlertQueueRefusal.Full, "webhook " + hung.Url), (ex.Reason, ex.Queue));
                refused.Add(i);
            }
            if (i == 1) await Alerts.EventuallyAsync(() => hung.Requests.Count == 1, "the first request to hang");
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"10 publishes took {clock.Elapsed}");

        // The other webhook is not held up by the hung one: it took every notification.
        await Alerts.EventuallyAsync(() => sink.Targets[1].Delivered == 10, "the healthy webhook's deliveries");

        // One in flight, capacity 3 queued: the 6 after them were refused (the caller was told), none of the 4 was dropped.
        Assert.Equal([5, 6, 7, 8, 9, 10], refused);
        Assert.Equal(6, sink.Targets[0].Outbox.Refused);
        release.SetResult(204);
        await Alerts.EventuallyAsync(() => sink.Targets[0].Delivered == 4, "the hung webhook to drain");
        string[] tags = [.. hung.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("tag").GetString()!)];
        Assert.Equal(["tag1", "tag2", "tag3", "tag4"], tags);
    }

    [Fact]
    public async Task A_notification_a_dead_webhook_did_not_take_before_the_stop_is_delivered_after_the_next_start()
    {
        string dir = Path.Combine(Path.GetTempPath(), "outbox-" + Guid.NewGuid().ToString("N"));
        try
        {
            Alert alert = Alerts.TempHigh();
            bool receiverUp = false;
            await using var receiver = new WebhookReceiver(_ => Task.FromResult(Volatile.Read(ref receiverUp) ? 204 : 503));
            var sink = new WebhookAlertSink([new WebhookOptions { Url = receiver.Url, SecretFile = _secretFile }], "urn:tracking:test", Fast,
                drainTimeout: TimeSpan.FromMilliseconds(300), spillDirectory: dir);
            await sink.PublishAsync(Alerts.Raised(alert), CancellationToken.None);
            await Alerts.EventuallyAsync(() => !receiver.Requests.IsEmpty, "a first attempt");
            await sink.DisposeAsync();
            Assert.Single(Directory.GetFiles(dir));

            // The next start, with the receiver back (the same webhook: its file is named after its URL): delivered, as it was.
            Volatile.Write(ref receiverUp, true);
            await using var next = new WebhookAlertSink([new WebhookOptions { Url = receiver.Url, SecretFile = _secretFile }], "urn:tracking:test", Fast,
                drainTimeout: TimeSpan.FromSeconds(5), spillDirectory: dir);
            await Alerts.EventuallyAsync(() => next.Targets[0].Delivered == 1, "the spilled notification");
            // The last request is the delivered one (a refused attempt of the first sink may be recorded late; its body is the same).
            using JsonDocument body = JsonDocument.Parse(receiver.Requests.Last().Body);
            Assert.Equal((alert.Key, "raised", "tag7"), (body.RootElement.GetProperty("id").GetString(), body.RootElement.GetProperty("state").GetString(),
                body.RootElement.GetProperty("tag").GetString()));
            // Delivered: the queue's journal is cut to nothing (right after the delivery counts, so waited for).
            await Alerts.EventuallyAsync(() => Directory.GetFiles(dir).All(f => new FileInfo(f).Length == 0), "the journal cut");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
