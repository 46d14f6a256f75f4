using System.Diagnostics;
using Xunit;

namespace Tracking.Testing;

/// <summary>
/// The one "eventually" of the tests: checks a condition every few milliseconds until it holds, and fails naming what was
/// awaited once <c>within</c> (10 s by default) has passed. A bound on waiting, not a timed assertion: on a loaded machine
/// the condition only comes later, and the bound is far above what it normally takes.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(10);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? within = null, TimeSpan? interval = null, Func<string>? detail = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, within, interval, detail);

    /// <param name="detail">What the failure message should show besides (e.g. a child process's output), read when it fails.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null, TimeSpan? interval = null, Func<string>? detail = null)
    {
        TimeSpan limit = within ?? DefaultWithin;
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit) Assert.Fail($"timed out after {limit} waiting until {what}{(detail is null ? "" : ":\n" + detail())}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(5));
        }
    }
}
