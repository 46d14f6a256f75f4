using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Alerts.Queueing;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Store;
using Tracking.Testing;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>
/// A sink's journal on a real full disk (a 1 MiB tmpfs, <see cref="FullTmpfs"/>: needs root, as CI runs): an append the
/// kernel refuses, after part of the line went into the file's last page, refuses the notification (the rule store keeps
/// it owed), leaves no torn line in the journal, and the notification is journaled and delivered once space is back.
/// </summary>
public sealed class FullDiskJournalTests : IDisposable
{
    private readonly FullTmpfs _disk = new();

    public void Dispose() => _disk.Dispose();

    [Fact]
    public async Task A_full_disk_refuses_the_notification_without_a_torn_line_and_it_is_delivered_once_when_space_is_back()
    {
        string directory = Path.Combine(_disk.Root, "outbox");
        string journal = Path.Combine(directory, AlertOutbox<SinkItem>.SpillFileName("mqtt"));
        var store = new InMemoryRuleStore();
        var broker = new GatedAlertPublisher(open: false);
        await using var mqtt = new MqttAlertSink(broker, spillDirectory: directory);
        var dispatcher = new AlertDispatcher(store, [mqtt], NullLogger.Instance);

        // Two notifications journaled (the broker hangs, so the journal is not cut): its last page is partly used.
        await store.OpenAlertAsync(Alerts.TempHigh(id: 0, tag: "tag1"));
        await store.OpenAlertAsync(Alerts.TempHigh(id: 0, tag: "tag2"));
        Assert.Equal(2, await dispatcher.DispatchAsync());
        await broker.Entered.Task.WaitAsync(TimeSpan.FromSeconds(5)); // the first in delivery, the second queued
        Assert.Equal(["tag1", "tag2"], JournaledTags(journal));

        // The disk fills up. A notification whose line is longer than what is left of that page: part of it is written,
        // then the kernel says ENOSPC.
        _disk.Fill();
        await store.OpenAlertAsync(Alerts.TempHigh(id: 0, tag: "tag3") with { Message = new string('m', 6000) });
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Single(await store.ListAlertEventsAsync(10));
        Assert.Equal((1, 1), (mqtt.Outbox.Refused, mqtt.Outbox.Count));
        Assert.Equal(["tag1", "tag2"], JournaledTags(journal)); // cut back: no torn line

        // Space is back: the owed notification is journaled whole, after the others, and goes out once.
        _disk.Free();
        await store.OpenAlertAsync(Alerts.TempHigh(id: 0, tag: "tag4"));
        Assert.Equal(2, await dispatcher.DispatchAsync());
        Assert.Empty(await store.ListAlertEventsAsync(10));
        Assert.Equal(["tag1", "tag2", "tag3", "tag4"], JournaledTags(journal));

        broker.Open();
        await Alerts.EventuallyAsync(() => mqtt.Outbox.Processed == 4, "the deliveries");
        Assert.Equal([.. new[] { 1, 2, 3, 4 }.Select(n => Alerts.TempHigh(tag: "tag" + n).Key)], broker.EventIds());
    }

    /// <summary>The alerts' tags of the journal's items; every line must be whole JSON.</summary>
    private static List<string> JournaledTags(string journal) =>
    [
        .. File.ReadAllLines(journal).Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(o => o.ContainsKey("item"))
            .Select(o => o["item"]!["Alert"]!["Alert"]!["Tag"]!.GetValue<string>()),
    ];
}
