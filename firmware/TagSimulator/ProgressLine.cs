using System.Diagnostics;
using TagSimulator.Fleet;

namespace TagSimulator;

/// <summary>Progress: one line rewritten in place on a terminal, a line every 10 s otherwise.</summary>
public sealed class ProgressLine(FleetSimulation sim, TextWriter output, bool terminal, bool quiet)
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private TimeSpan _lastLine = TimeSpan.FromSeconds(-10);

    public TimeSpan Interval => terminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(1);

    public void Update()
    {
        if (quiet) return;
        if (!terminal)
        {
            if (_elapsed.Elapsed - _lastLine < TimeSpan.FromSeconds(10)) return;
            _lastLine = _elapsed.Elapsed;
        }
        string line = Text();
        if (terminal)
        {
            int width = Console.WindowWidth > 20 ? Console.WindowWidth - 1 : 120;
            output.Write("\r" + (line.Length > width ? line[..width] : line.PadRight(width)));
        }
        else
        {
            output.WriteLine(line);
        }
    }

    public void Finish()
    {
        if (quiet) return;
        if (terminal) output.WriteLine("\r" + Text());
        else output.WriteLine(Text());
    }

    private string Text()
    {
        long total = sim.EndMs - sim.StartMs;
        long done = sim.SimulatedNowMs - sim.StartMs;
        double f = total > 0 ? (double)done / total : 1;
        int width = 24;
        int filled = (int)(f * width);
        var c = sim.Counters;
        return $"[{new string('#', filled)}{new string('.', width - filled)}] {f,6:P1} sim {DateTimeOffset.FromUnixTimeMilliseconds(sim.SimulatedNowMs):yyyy-MM-dd HH:mm} "
            + $"real {_elapsed.Elapsed:hh\\:mm\\:ss} readings {c.ReadingsAcknowledged} events {c.EventsAcknowledged} reports {c.Reports} (failed {c.FailedReports}) offline {sim.OfflineNow()}";
    }
}
