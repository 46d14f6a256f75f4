using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Tests.Support;

namespace Tracking.Gateway.Api.Tests;

/// <summary>Every refusal of a body is RFC 7807 problem details whose detail names the reason.</summary>
public class ProblemDetailsTests
{
    [Theory]
    [InlineData("{", "invalid JSON body")]
    [InlineData("null", "must be a JSON object")]
    [InlineData("""{"bands":[{"metric":"temp_c","kind":"upper","limit":8,"delays_s":60}]}""", "delays_s")]
    [InlineData("""{"bands":[{"metric":"pressure","kind":"upper","limit":8}]}""", "bands[0].metric 'pressure' must be temp_c or rh")]
    [InlineData("""{"bands":[{"metric":"temp_c","kind":"sideways","limit":8}]}""", "bands[0].kind 'sideways' must be upper, lower or dual")]
    [InlineData("""{"bands":[{"metric":"temp_c","kind":"upper","limit":8,"severity":"panic"}]}""", "bands[0].severity 'panic'")]
    [InlineData("""{"bands":[{"metric":"temp_c","kind":"upper"}]}""", "bands[0]: an upper band needs limit")]
    [InlineData("""{"bands":[{"metric":"temp_c","kind":"dual","low":8,"high":2}]}""", "bands[0]: low (8) must be below high (2)")]
    [InlineData("""{"bands":[{"metric":"temp_c","kind":"upper","limit":8,"delay_s":3000000}]}""", "delay must be between 0 s and 800 h")]
    [InlineData("""{"bands":[{"metric":"temp_c","kind":"upper","limit":8,"delay_s":1e300}]}""", "delay must be between 0 s and 800 h")]
    [InlineData("""{"bands":[],"shock_g":100}""", "shock_g must be between 0.5 and 27.72 g")]
    [InlineData("""{"bands":[],"mkt_limit_c":8}""", "mkt_limit_c needs mkt_window")]
    [InlineData("""{"bands":[],"silence_s":"long"}""", "silence_s")]
    [InlineData("""{"name":"other","bands":[]}""", "differs from the name in the path 'p'")]
    public async Task A_bad_profile_body_is_400_naming_the_reason(string body, string detail)
    {
        await using ApiHost api = await ApiHost.StartAsync();

        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/p", body), HttpStatusCode.BadRequest, detail);
        Assert.Empty(await api.Store.ListProfilesAsync());
    }

    [Fact]
    public async Task Every_validation_reason_is_listed_in_errors()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        const string body = """{"bands":[{"metric":"temp_c","kind":"upper","limit":8,"hysteresis":-1}],"shock_g":0.1,"battery_v":9}""";

        JsonElement problem = await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/p", body),
            HttpStatusCode.BadRequest, "invalid profile");

        Assert.Equal(3, problem.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task A_bad_profile_name_is_400()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/Bad%20Name", """{"bands":[]}"""),
            HttpStatusCode.BadRequest, "profile name 'Bad Name' must match [a-z0-9_-]{1,64}");
        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/profiles/Bad%20Name"), HttpStatusCode.BadRequest, "must match");
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        string body = """{"bands":[],"pad":" """ + new string('x', 70_000) + "\"}";

        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/p", body), HttpStatusCode.RequestEntityTooLarge, "over 65536 bytes");
    }

    [Fact]
    public async Task An_empty_body_is_400()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/profiles/p");
        request.Headers.Authorization = new("Bearer", ApiHost.Token);
        request.Content = new StringContent("", System.Text.Encoding.UTF8, "application/json");

        await Problem.AssertAsync(await api.Client.SendAsync(request), HttpStatusCode.BadRequest, "a JSON body is required");
    }

    [Fact]
    public async Task Routing_refusals_under_api_are_problem_details_too()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage unknownRoute = await api.Client.GetAsync("/api/v1/nothing");
        HttpResponseMessage wrongMethod = await api.Client.DeleteAsync("/api/v1/profiles/p");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/profiles/p")
        {
            Content = new StringContent("x", System.Text.Encoding.UTF8, "text/plain"),
        };
        request.Headers.Authorization = new("Bearer", ApiHost.Token);
        HttpResponseMessage wrongType = await api.Client.SendAsync(request);

        // Each with a detail naming the reason (docs/api.md "Errors"), not only the status's title.
        await Problem.AssertAsync(unknownRoute, HttpStatusCode.NotFound, "no such route: GET /api/v1/nothing");
        await Problem.AssertAsync(wrongMethod, HttpStatusCode.MethodNotAllowed, "/api/v1/profiles/p does not take DELETE");
        await Problem.AssertAsync(wrongType, HttpStatusCode.UnsupportedMediaType, "must be application/json, not text/plain");
    }
}
