using System.Net;
using System.Text;

namespace Tracking.Testing.Tests;

/// <summary>The private influxd fixture accepts line protocol, answers InfluxQL and survives restarts.</summary>
public sealed class InfluxdServerTests : IClassFixture<InfluxdFixture>
{
    private readonly InfluxdServer _server;

    public InfluxdServerTests(InfluxdFixture fixture) => _server = fixture.Server;

    [Fact]
    public async Task Written_line_is_queried_back()
    {
        Assert.Equal(new Uri($"http://127.0.0.1:{_server.Port}/"), _server.Url);
        await _server.CreateDatabaseAsync("fixture_roundtrip");

        await WriteAsync(_server, "fixture_roundtrip", "climate,container=T-0001 temperature=21.5 1700000000000000000");
        var json = await _server.QueryAsync("SELECT temperature FROM climate WHERE container = 'T-0001'", "fixture_roundtrip");

        Assert.Contains("\"2023-11-14T22:13:20Z\",21.5", json);
    }

    [Fact]
    public async Task Query_errors_carry_the_server_message()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _server.QueryAsync("SELEKT nonsense"));

        Assert.Contains("error parsing query", error.Message);
    }

    [Fact]
    public async Task Statement_errors_inside_a_200_response_are_reported()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _server.QueryAsync("SELECT * FROM m", "fixture_no_such_database"));

        Assert.Contains("database not found", error.Message);
    }

    [Fact]
    public async Task Database_names_with_quotes_are_escaped()
    {
        await _server.CreateDatabaseAsync("odd \"name\"");

        var json = await _server.QueryAsync("SHOW DATABASES");

        Assert.Contains("odd \\\"name\\\"", json);
    }

    internal static async Task WriteAsync(InfluxdServer server, string db, string lines)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(server.Url, $"write?db={db}"), new StringContent(lines, Encoding.UTF8));
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }
}
