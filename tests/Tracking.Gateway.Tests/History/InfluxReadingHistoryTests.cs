using System.Text;
using Tracking.Gateway.History;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Report;
using Tracking.Influx;
using Tracking.Influx.Query;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.History;

/// <summary>
/// The trip report's InfluxQL against a real influxd 1.6: what the schema holds (docs/protocol.md section 10) comes back
/// as written, only of the container asked for, whatever characters its fleet and container ids hold.
/// </summary>
public sealed class InfluxReadingHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly long Ms0 = T0.ToUnixTimeMilliseconds();

    /// <summary>Line protocol tag value: comma, space and equals sign escaped (a backslash before anything else is literal).</summary>
    private static string Tag(string value) => value.Replace(",", "\\,", StringComparison.Ordinal).Replace(" ", "\\ ", StringComparison.Ordinal)
        .Replace("=", "\\=", StringComparison.Ordinal);

    private static async Task WriteAsync(InfluxdServer server, IEnumerable<string> lines)
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.PostAsync(new Uri(server.Url, "write?db=tracking&precision=ms"),
            new StringContent(string.Join('\n', lines), Encoding.UTF8));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static InfluxReadingHistory History(Uri url) =>
        new(new InfluxQueryClient(new InfluxOptions { Url = url, Database = "tracking", RequestTimeout = TimeSpan.FromSeconds(5) }));

    [Fact]
    public async Task Readings_shocks_and_statuses_of_one_container_come_back_as_written_odd_ids_included()
    {
        await using InfluxdServer server = await InfluxdServer.StartAsync();
        await server.CreateDatabaseAsync("tracking");
        // Untrusted ids: a quote, a backslash, spaces, a comma, an equals sign and an InfluxQL injection attempt.
        var odd = new ContainerKey("o'neil\\x fleet", "CSQU 30,54=383' OR container = 'DECOY");
        var decoy = new ContainerKey("o'neil\\x fleet", "DECOY");
        string who(ContainerKey k, string tag) => $"fleet={Tag(k.Fleet)},container={Tag(k.Container)},tag={Tag(tag)}";
        await WriteAsync(server,
        [
            $"env,{who(odd, "t1")} temp_c=4.5,rh_pct=60,pressure_hpa=1013.2,boot=3i,seq=10i {Ms0}",
            $"env,{who(odd, "t1")} temp_c=8,boot=3i,seq=11i {Ms0 + 300_000}",                       // no humidity, no pressure
            $"env,{who(odd, "t1")} temp_c=30,rh_pct=61.5,boot=3i,seq=12i,t_est=true {Ms0 + 600_000}",
            $"env,{who(odd, "t 2")} temp_c=-1.25,rh_pct=55,pressure_hpa=790,boot=1i,seq=4294967295i {Ms0 + 60_000}",
            $"env,{who(odd, "t1")} temp_c=99,boot=3i,seq=9i {Ms0 - 1}",                              // before the range
            $"env,{who(odd, "t1")} temp_c=99,boot=3i,seq=99i {Ms0 + 3_600_000}",                     // at its end: excluded
            $"env,{who(decoy, "t1")} temp_c=50,boot=1i,seq=1i {Ms0 + 1000}",
            $"shock,{who(odd, "t1")} g=6.4,boot=3i,seq=13i {Ms0 + 700_000}",
            $"tag_status,{who(odd, "t1")} online=true,fw=\"1.2.0\",thinned=4i {Ms0 - 3_600_000}",
            $"tag_status,{who(odd, "t1")} online=true,fw=\"1.3.0\",thinned=6i,bat=3.9 {Ms0 + 900_000}",
        ]);

        ContainerHistory h = await History(server.Url).ReadAsync(odd, T0, T0.AddHours(1));

        HistoryReading[] readings = [.. h.Readings.OrderBy(r => r.TimeMs)];
        Assert.Equal(4, readings.Length);
        Assert.Equal(new HistoryReading("t1", Ms0, 3, 10, 4.5, 60, 1013.2), readings[0]);
        Assert.Equal(("t 2", 1u, uint.MaxValue, -1.25, 55.0, 790.0, false),
            (readings[1].Tag, readings[1].Boot, readings[1].Seq, readings[1].TempC, readings[1].RhPct, readings[1].PressureHpa, readings[1].Estimated));
        Assert.Equal((8.0, true, true), (readings[2].TempC, double.IsNaN(readings[2].RhPct), double.IsNaN(readings[2].PressureHpa)));
        Assert.Equal((30.0, true), (readings[3].TempC, readings[3].Estimated));
        Assert.Equal(new HistoryShock("t1", Ms0 + 700_000, 3, 13, 6.4), Assert.Single(h.Shocks));
        Assert.Equal(new HistoryStatus("t1", Ms0 + 900_000, "1.3.0", 6), Assert.Single(h.Statuses));
        Assert.Equal(4, h.ThinnedBefore["t1"]);

        // The decoy holds only its own point; an id nobody wrote reads as nothing (not as an error).
        Assert.Single((await History(server.Url).ReadAsync(decoy, T0, T0.AddHours(1))).Readings);
        Assert.True((await History(server.Url).ReadAsync(new ContainerKey("acme", "NONE"), T0, T0.AddHours(1))).IsEmpty);

        // The report from these points: thinned 4 -> 6 during the range, the t_est reading not evaluated.
        TripReport report = TripReportBuilder.Build(odd, T0, T0.AddHours(1), null, h, [], new ReportOptions(), T0);
        Assert.Equal((4, 1, 2L, 8.0, -1.25), (report.Readings, report.EstimatedReadings, report.ThinnedReadings, report.MaxC!.Value, report.MinC!.Value));
    }

    [Fact]
    public async Task A_database_that_cannot_answer_is_history_unavailable()
    {
        // A port nobody listens on.
        int port = FreePort.Get();
        HistoryUnavailableException down = await Assert.ThrowsAsync<HistoryUnavailableException>(
            () => History(new Uri($"http://127.0.0.1:{port}/")).ReadAsync(new ContainerKey("acme", "C1"), T0, T0.AddHours(1)));
        Assert.Contains("unreachable", down.Message, StringComparison.Ordinal);

        // A server without the database refuses the query.
        await using InfluxdServer server = await InfluxdServer.StartAsync();
        HistoryUnavailableException refused = await Assert.ThrowsAsync<HistoryUnavailableException>(
            () => History(server.Url).ReadAsync(new ContainerKey("acme", "C1"), T0, T0.AddHours(1)));
        Assert.Contains("database not found", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("o'neil", @"'o\'neil'")]
    [InlineData(@"back\slash", @"'back\\slash'")]
    [InlineData("line\nbreak", @"'line\nbreak'")]
    [InlineData(@"\'", @"'\\\''")]
    public void String_literals_escape_what_would_end_them(string value, string literal) => Assert.Equal(literal, InfluxQl.String(value));

    /// <summary>
    /// Any string makes one literal that InfluxQL's scanner (influxql/scanner.go ScanString: \\, \', \" and \n are the escapes;
    /// an unescaped quote ends the string) reads back as that string, with nothing after its closing quote.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool Any_string_reads_back_from_its_literal(string? value)
    {
        value ??= "";
        string literal = InfluxQl.String(value);
        if (literal[0] != '\'') return false;
        var sb = new StringBuilder();
        for (int i = 1; i < literal.Length; i++)
        {
            char c = literal[i];
            if (c == '\'') return i == literal.Length - 1 && sb.ToString() == value;
            if (c == '\\')
            {
                char next = literal[++i];
                sb.Append(next switch { 'n' => '\n', '\\' => '\\', '\'' => '\'', '"' => '"', _ => throw new InvalidOperationException("bad escape") });
            }
            else
            {
                sb.Append(c);
            }
        }
        return false;
    }
}
