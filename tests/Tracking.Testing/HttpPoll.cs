using System.Diagnostics;

namespace Tracking.Testing;

/// <summary>
/// The one way the tests poll a server they started over HTTP (the gateway's /healthz, /metrics, its API): a server that
/// is not listening yet, or too slow to answer on a loaded machine (the client's timeout), is "no answer yet", not a
/// failure, and the caller asks again.
/// </summary>
public static class HttpPoll
{
    /// <summary>One GET; null when there was no answer (refused, reset, or the client's timeout).</summary>
    public static async Task<HttpAnswer?> TryGetAsync(HttpClient http, Uri url, CancellationToken ct = default)
    {
        try
        {
            using HttpResponseMessage response = await http.GetAsync(url, ct);
            return new HttpAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// GETs <paramref name="url"/> every <paramref name="interval"/> (default 200 ms) until an answer satisfies
    /// <paramref name="done"/> or <paramref name="timeout"/> has passed; returns the last answer (null: none came), so the
    /// caller's assertion can show it.
    /// </summary>
    public static async Task<HttpAnswer?> UntilAsync(HttpClient http, Uri url, Func<HttpAnswer, bool> done, TimeSpan timeout, TimeSpan? interval = null)
    {
        var sw = Stopwatch.StartNew();
        HttpAnswer? last = null;
        while (true)
        {
            last = await TryGetAsync(http, url) ?? last;
            if ((last is not null && done(last)) || sw.Elapsed > timeout) return last;
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200));
        }
    }
}
