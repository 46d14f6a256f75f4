using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Tests.Logging;

/// <summary>
/// Every <c>[LoggerMessage]</c> of the gateway has an event id of its own, in the range of its assembly
/// (gateway/Tracking.Gateway/README.md, "Log event ids"), so that an id names one message in the gateway's log.
/// </summary>
public class LogEventIdTests
{
    /// <summary>The gateway's assemblies and their event id ranges, as the README documents them.</summary>
    private static readonly (string Assembly, int First, int Last)[] Ranges =
    [
        ("Tracking.Gateway.Ingest", 100, 599),
        ("Tracking.Mqtt", 600, 699),
        ("Tracking.Influx", 700, 799),
        ("Tracking.Gateway.Api", 800, 899),
        ("Tracking.Gateway", 900, 999),
        ("Tracking.Gateway.Rules", 1000, 1199),
        ("Tracking.Gateway.Alerts", 1200, 1299),
    ];

    [Fact]
    public void No_two_log_messages_of_the_gateway_share_an_event_id()
    {
        string[] duplicates = LogMessages()
            .GroupBy(m => m.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}")
            .ToArray();

        Assert.True(duplicates.Length == 0, "Event ids used more than once:\n" + string.Join("\n", duplicates));
    }

    [Fact]
    public void Every_log_message_has_an_event_id_in_the_range_of_its_assembly()
    {
        string[] outside = LogMessages()
            .Where(m => m.EventId < m.First || m.EventId > m.Last)
            .Select(m => $"{m.Name}: {m.EventId} (not in {m.First}-{m.Last})")
            .ToArray();

        Assert.True(outside.Length == 0, "Event ids outside their assembly's range:\n" + string.Join("\n", outside));
    }

    [Fact]
    public void The_gateway_logs_through_generated_log_messages()
    {
        // Guards the two tests above against passing on nothing, e.g. an assembly no longer loaded.
        Assert.All(Ranges.Take(3), r => Assert.Contains(LogMessages(), m => m.Assembly == r.Assembly));
    }

    private static List<(string Assembly, string Name, int EventId, int First, int Last)> LogMessages()
    {
        var messages = new List<(string, string, int, int, int)>();
        foreach ((string name, int first, int last) in Ranges)
        {
            Assembly assembly = Assembly.Load(new AssemblyName(name));
            foreach (Type type in assembly.GetTypes())
            {
                const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static |
                                         BindingFlags.Instance | BindingFlags.DeclaredOnly;
                foreach (MethodInfo method in type.GetMethods(all))
                {
                    if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } attribute)
                    {
                        messages.Add((name, $"{type.FullName}.{method.Name}", attribute.EventId, first, last));
                    }
                }
            }
        }

        return messages;
    }
}
