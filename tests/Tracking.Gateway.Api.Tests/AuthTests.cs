using System.Net;
using Tracking.Gateway.Api.Tests.Support;

namespace Tracking.Gateway.Api.Tests;

/// <summary>Mutating calls need a token of the token file; GETs do not; without a token file nothing mutates.</summary>
public class AuthTests
{
    private const string Body = """{"bands":[{"metric":"temp_c","kind":"upper","limit":8}]}""";

    public static TheoryData<string, string, string> MutatingCalls => new()
    {
        { "PUT", "/api/v1/profiles/p", Body },
        { "PUT", "/api/v1/containers/CSQU3054383/profile", """{"profile":"frozen","fleet":"acme"}""" },
        { "PUT", "/api/v1/fleets/acme/profile", """{"profile":"frozen"}""" },
        { "POST", "/api/v1/alerts/1/ack", """{"by":"ann"}""" },
    };

    [Theory]
    [MemberData(nameof(MutatingCalls))]
    public async Task Without_a_token_a_mutating_call_is_401_and_changes_nothing(string method, string url, string body)
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage response = await api.SendAsync(new HttpMethod(method), url, body, token: null);

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized, "Authorization: Bearer");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Empty(await api.Store.ListProfilesAsync());
        Assert.Null(await api.Store.AssignedProfileAsync(ApiHost.Box));
    }

    [Theory]
    [MemberData(nameof(MutatingCalls))]
    public async Task A_wrong_token_is_401(string method, string url, string body)
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage response = await api.SendAsync(new HttpMethod(method), url, body, token: ApiHost.Token + "x");

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized, "not one of the API tokens");
    }

    [Fact]
    public async Task A_token_of_another_scheme_is_401()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/profiles/p") { Content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + ApiHost.Token);

        await Problem.AssertAsync(await api.Client.SendAsync(request), HttpStatusCode.Unauthorized, "must be Bearer");
    }

    [Fact]
    public async Task Every_token_line_of_the_file_is_accepted_and_comments_are_not_tokens()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/a", Body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/b", Body, "another-token-abcdefghijkl")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/c", Body, "# operators")).StatusCode);
        Assert.Equal(["a", "b"], (await api.Store.ListProfilesAsync()).Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Without_a_token_file_every_mutating_call_is_refused_and_the_start_says_so()
    {
        await using ApiHost api = await ApiHost.StartAsync(withTokenFile: false);

        HttpResponseMessage response = await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/p", Body);

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized, "no API token file is configured");
        Assert.Contains(api.Logs.Lines, l => l.EventId == 800);
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/api/v1/profiles")).StatusCode);
    }

    [Fact]
    public async Task With_a_token_file_the_start_logs_how_many_tokens_it_read()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        Assert.Contains(api.Logs.Lines, l => l.EventId == 801 && l.Message.Contains("2 read", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("# only a comment\n\n", "holds no token")]
    [InlineData("short\n", "shorter than 16")]
    public async Task A_token_file_without_usable_tokens_stops_the_start(string text, string reason)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ApiHost.StartAsync(tokenFileText: text));

        Assert.Contains(reason, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GETs_need_no_token()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.FeedAsync(5);

        foreach (string url in new[] { "/api/v1/profiles", "/api/v1/profiles/frozen", "/api/v1/alerts", "/api/v1/containers/CSQU3054383/summary" })
        {
            Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync(url)).StatusCode);
        }
    }
}
