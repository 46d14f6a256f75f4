using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// GET /api/v1/containers/{container}/readings over a fake history: bucket size from max_points, gaps passed through,
/// refusals of bad ranges and 503 when the database is down. The InfluxDB side is tested against a real influxd in
/// Tracking.Gateway.Tests (InfluxReadingHistoryTests).
/// </summary>
public class ReadingsEndpointTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<(ApiHost Api, FakeHistory History)> StartAsync()
    {
        var history = new FakeHistory();
        ApiHost api = await ApiHost.StartAsync(services: s => s.AddSingleton<ILiveHistory>(history));
        api.Board.ApplyReadings(ApiHost.Box, "tag7", 1, [new LiveReading(T0.ToUnixTimeMilliseconds(), 5, 50, 1013, 0.1)]);
        return (api, history);
    }

    [Fact]
    public async Task A_range_off_the_bucket_grid_never_gets_more_than_max_points_buckets()
    {
        (ApiHost api, FakeHistory history) = await StartAsync();
        await using ApiHost _ = api;
        var random = new Random(13);
        // 7 s past the hour, an hour, 10 points: buckets of 360 s aligned to the epoch touched 11 of them.
        List<(DateTimeOffset From, DateTimeOffset To, int Points)> cases = [(T0.AddSeconds(7), T0.AddSeconds(3607), 10)];
        for (int i = 0; i < 40; i++)
        {
            DateTimeOffset from = T0.AddMilliseconds(random.NextInt64(0, 86_400_000));
            cases.Add((from, from.AddMilliseconds(random.NextInt64(1, 40L * 86_400_000)), random.Next(1, 3000)));
        }

        foreach ((DateTimeOffset from, DateTimeOffset to, int points) in cases)
        {
            HttpResponseMessage response = await api.Client.GetAsync(
                $"/api/v1/containers/CSQU3054383/readings?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&max_points={points}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            long bucketMs = (long)history.Asked[^1].Bucket.TotalMilliseconds;
            long first = from.ToUnixTimeMilliseconds() / bucketMs, last = (to.ToUnixTimeMilliseconds() - 1) / bucketMs;
            Assert.True(last - first + 1 <= points, $"{from:O} to {to:O} in buckets of {bucketMs} ms: {last - first + 1} buckets, max_points {points}");
            // And no coarser than needed: one second less would not fit (or be below the even split).
            long smaller = bucketMs - 1000;
            Assert.True(smaller < 1000 || smaller * points < (to - from).TotalMilliseconds
                || ((to.ToUnixTimeMilliseconds() - 1) / smaller) - (from.ToUnixTimeMilliseconds() / smaller) + 1 > points, $"{from:O} to {to:O}: {bucketMs} ms is coarser than needed");
        }
    }

    private static ReadingBucket B(DateTimeOffset t, double min, double max) =>
        new(t, 3, min, max, (min + max) / 2, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 1.5);

    [Fact]
    public async Task Buckets_come_back_with_min_max_mean_and_gaps_stay_gaps()
    {
        (ApiHost api, FakeHistory history) = await StartAsync();
        await using ApiHost _ = api;
        history.Buckets = [B(T0, 4, 9.5), B(T0.AddMinutes(12), 5, 6)]; // nothing at minute 6: a gap

        HttpResponseMessage response = await api.Client.GetAsync("/api/v1/containers/CSQU3054383/readings?from=2026-12-01T00:00:00Z&to=2026-12-01T01:00:00Z&max_points=10");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await ApiHost.JsonAsync(response);
        Assert.Equal(("acme", 360L), (body.GetProperty("fleet").GetString(), body.GetProperty("bucket_s").GetInt64()));
        JsonElement[] points = [.. body.GetProperty("points").EnumerateArray()];
        Assert.Equal(2, points.Length);
        Assert.Equal((4.0, 9.5, 6.75, 1.5), (points[0].GetProperty("temp_c_min").GetDouble(), points[0].GetProperty("temp_c_max").GetDouble(),
            points[0].GetProperty("temp_c_mean").GetDouble(), points[0].GetProperty("peak_g_max").GetDouble()));
        Assert.Equal(JsonValueKind.Null, points[0].GetProperty("rh_pct_min").ValueKind);
        Assert.Equal(T0.AddMinutes(12), points[1].GetProperty("time").GetDateTimeOffset());
        (ContainerKey box, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket) = Assert.Single(history.Asked);
        Assert.Equal((ApiHost.Box, T0, T0.AddHours(1), TimeSpan.FromMinutes(6)), (box, from, to, bucket));
    }

    [Fact]
    public async Task Without_a_range_it_is_the_last_24_hours_in_at_most_2000_buckets()
    {
        (ApiHost api, FakeHistory history) = await StartAsync();
        await using ApiHost _ = api;

        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/api/v1/containers/CSQU3054383/readings?fleet=acme")).StatusCode);

        var asked = Assert.Single(history.Asked);
        Assert.Equal((api.Time.GetUtcNow().AddDays(-1), api.Time.GetUtcNow(), TimeSpan.FromSeconds(44)), (asked.From, asked.To, asked.Bucket));
    }

    [Theory]
    [InlineData("?from=yesterday", 400, "from 'yesterday'")]
    [InlineData("?from=2026-12-01T00:00:00", 400, "with a zone")]
    [InlineData("?to=2026-12-01T00:00:00Z&from=2026-12-01T00:00:00Z", 400, "must be before")]
    [InlineData("?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", 400, "over 400 days")]
    [InlineData("?max_points=0", 400, "max_points '0'")]
    [InlineData("?max_points=10001", 400, "max_points '10001'")]
    [InlineData("?fleet=a'b", 400, "fleet 'a'b'")]
    [InlineData("?fleet=other", 200, "")]
    public async Task Bad_input_is_a_problem_and_never_reaches_the_database(string query, int status, string detail)
    {
        (ApiHost api, FakeHistory history) = await StartAsync();
        await using ApiHost _ = api;

        HttpResponseMessage response = await api.Client.GetAsync("/api/v1/containers/CSQU3054383/readings" + query);

        if (status == 200)
        {
            // A fleet named explicitly is asked for as is: no data there is an empty list, not an error.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty((await ApiHost.JsonAsync(response)).GetProperty("points").EnumerateArray());
            return;
        }
        await Problem.AssertAsync(response, (HttpStatusCode)status, detail);
        Assert.Empty(history.Asked);
    }

    [Fact]
    public async Task A_container_id_that_is_not_an_id_is_400_and_an_unknown_one_404()
    {
        (ApiHost api, FakeHistory history) = await StartAsync();
        await using ApiHost _ = api;

        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/CSQU'%20OR%201=1/readings"), HttpStatusCode.BadRequest, "must be 1 to 64");
        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/MSKU0000000/readings"), HttpStatusCode.NotFound, "unknown container");
        Assert.Empty(history.Asked);
    }

    [Fact]
    public async Task A_database_that_cannot_answer_is_503_problem_details()
    {
        (ApiHost api, FakeHistory history) = await StartAsync();
        await using ApiHost _ = api;
        history.Down = true;

        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/CSQU3054383/readings"), HttpStatusCode.ServiceUnavailable,
            "connection refused");
    }
}
