using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live.Dto;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Api.Rules;

namespace Tracking.Gateway.Api.Live;

/// <summary>
/// <c>GET /api/v1/stream</c>: Server-Sent Events (readings, states, alerts, warnings, profiles, tag statuses) of the caller's fleets, resumed
/// after <c>Last-Event-ID</c> from the hub's window, with a comment line every <see cref="LiveOptions.Heartbeat"/> while
/// idle. A client whose queue overflows gets a <c>disconnect</c> event with the reason and the stream ends.
/// </summary>
internal static class StreamEndpoint
{
    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();
    private static readonly byte[] DisconnectPrefix = "event: disconnect\ndata: "u8.ToArray(), FrameEnd = "\n\n"u8.ToArray();

    /// <summary>How long the closing disconnect event may take: the client is slow by definition, but must not hold the request.</summary>
    private static readonly TimeSpan FarewellTimeout = TimeSpan.FromSeconds(5);

    public static async Task<IResult> StreamAsync([FromQuery] string? fleet, [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        [FromServices] StreamHub hub, [FromServices] IOptions<LiveOptions> options, [FromServices] TimeProvider time,
        [FromServices] ILoggerFactory loggers, [FromServices] IHostApplicationLifetime lifetime, HttpContext http)
    {
        FleetScope scope = FleetScope.Of(http);
        if (fleet is not null)
        {
            if (!Names.IsValidId(fleet)) return Problems.BadRequest($"fleet '{fleet}' must be 1 to 64 of [A-Za-z0-9_-]");
            if (!scope.Allows(fleet)) return Problems.Forbidden($"the token may not use fleet '{fleet}'");
            scope = new FleetScope([fleet]);
        }
        long? last = null;
        if (!string.IsNullOrEmpty(lastEventId))
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
            {
                return Problems.BadRequest($"Last-Event-ID '{lastEventId}' must be an event id (a non-negative integer)");
            }
            last = parsed;
        }

        // Ends with the client or with the gateway: an open stream must not hold the shutdown until its timeout.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        CancellationToken ct = stopping.Token;
        using StreamSubscription subscription = hub.Subscribe(scope, last);
        HttpResponse response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // a reverse proxy must pass events on as they come
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        ILogger logger = loggers.CreateLogger(Log.Category);
        Log.StreamOpened(logger, last?.ToString(CultureInfo.InvariantCulture) ?? "-", subscription.Replay.Count, subscription.Reset is not null);
        // Everything goes through the response's pipe writer: frames are copied into it and flushed per batch
        // (StreamFramePump), so a busy stream is not a chunk and a send per event and client.
        PipeWriter body = response.BodyWriter;
        try
        {
            if (subscription.Reset is { } reset)
            {
                // Carries the id the stream continues from, so the client's next resume point is after it.
                body.Write(StreamHub.Frame(subscription.StartId.ToString(CultureInfo.InvariantCulture), "reset",
                    JsonSerializer.SerializeToUtf8Bytes(new StreamNoticeDto { Reason = reset }, LiveApiJson.Default.StreamNoticeDto)));
            }
            else
            {
                body.Write(": connected\n\n"u8);
            }
            // The names of the client's fleets, before any readings event refers to them by index.
            foreach (NamesSnapshot names in subscription.Names) names.WriteFrame(body);
            await body.FlushAsync(ct);
            if (!await StreamFramePump.WriteAllAsync(subscription.Replay, body, ct)) return Results.Empty;

            // One signal and one timer for the whole stream, nothing per wake-up: new events, the end of the subscription,
            // the request's end and the timer (the idle heartbeat, or the end of a write interval) all wake the writer
            // through the subscription's signal.
            TimeSpan beat = options.Value.Heartbeat, interval = options.Value.StreamWriteInterval;
            StreamSignal signal = subscription.Signal;
            int timerDue = 0;
            using ITimer timer = time.CreateTimer(_ =>
            {
                Volatile.Write(ref timerDue, 1);
                signal.Wake();
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            using CancellationTokenRegistration wakeOnEnd = ct.UnsafeRegister(static s => ((StreamSignal)s!).Wake(), signal);
            long lastWrite = 0;
            bool wrote = false;
            while (!ct.IsCancellationRequested)
            {
                if (subscription.Events.TryPeek(out _))
                {
                    // Write coalescing: under load (the last write less than the interval ago) the events wait for the
                    // rest of the interval and leave together, one write, one flush and one send for all of them; the
                    // events that come meanwhile do not wake the writer. A stream idle for longer writes at once, and so
                    // does one whose queue is half full (the hub wakes a waiting writer then too).
                    TimeSpan since = wrote ? time.GetElapsedTime(lastWrite) : TimeSpan.MaxValue;
                    if (since < interval && !subscription.Ended && subscription.Queued * 2 < options.Value.ClientQueue)
                    {
                        timer.Change(interval - since, Timeout.InfiniteTimeSpan);
                        await signal.WaitAsync(deferEvents: true);
                        if (ct.IsCancellationRequested) break;
                    }
                    if (!await StreamFramePump.DrainAsync(subscription.Events, body, ct)) return Results.Empty;
                    lastWrite = time.GetTimestamp();
                    wrote = true;
                    continue;
                }
                if (subscription.Ended) break;
                Volatile.Write(ref timerDue, 0);
                timer.Change(beat, Timeout.InfiniteTimeSpan);
                await signal.WaitAsync();
                if (Volatile.Read(ref timerDue) == 1 && !ct.IsCancellationRequested && !subscription.Events.TryPeek(out _))
                {
                    body.Write(Heartbeat);
                    if ((await body.FlushAsync(ct)).IsCompleted) return Results.Empty;
                }
            }
            if (subscription.DisconnectReason is { } reason)
            {
                Log.StreamClientBehind(logger, reason);
                using var farewell = CancellationTokenSource.CreateLinkedTokenSource(ct);
                farewell.CancelAfter(FarewellTimeout);
                // No id: the client resumes from the last event it really got.
                body.Write(DisconnectPrefix);
                body.Write(JsonSerializer.SerializeToUtf8Bytes(new StreamNoticeDto { Reason = reason }, LiveApiJson.Default.StreamNoticeDto));
                body.Write(FrameEnd);
                await body.FlushAsync(farewell.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away (or the farewell timed out): nothing to answer.
        }
        return Results.Empty;
    }
}
