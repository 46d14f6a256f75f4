using System.Net.Http.Headers;
using System.Text;
using Tracking.Influx.LineProtocol;

namespace Tracking.Influx;

/// <summary>URLs and authentication of one configured server; shared by writes and queries.</summary>
internal sealed class InfluxEndpoint
{
    private readonly InfluxOptions _options;
    private readonly string _base;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly string _queryCredentials;

    public InfluxEndpoint(InfluxOptions options)
    {
        options.Validate();
        _options = options;
        _base = options.Url.GetLeftPart(UriPartial.Path).TrimEnd('/');

        bool v1User = options.ApiVersion == InfluxApiVersion.V1 && !string.IsNullOrEmpty(options.Username);
        _queryCredentials = v1User && options.CredentialsMode == InfluxCredentialsMode.QueryString
            ? $"&u={Escape(options.Username!)}&p={Escape(options.Password!)}"
            : "";
        _authorization = options.ApiVersion switch
        {
            InfluxApiVersion.V1 when v1User && options.CredentialsMode == InfluxCredentialsMode.BasicAuth =>
                new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"))),
            InfluxApiVersion.V1 when !v1User && !string.IsNullOrEmpty(options.Token) => new AuthenticationHeaderValue("Token", options.Token),
            InfluxApiVersion.V2 => new AuthenticationHeaderValue("Token", options.Token),
            InfluxApiVersion.V3 when !string.IsNullOrEmpty(options.Token) => new AuthenticationHeaderValue("Bearer", options.Token),
            _ => null,
        };

        WriteUri = new Uri(BuildWriteUri());
        PingUri = new Uri($"{_base}/ping");
    }

    public Uri WriteUri { get; }

    /// <summary><c>/ping</c>: 1.x, 2.x and 3.x all serve it (3.x may want a token: any answer shows the server is up).</summary>
    public Uri PingUri { get; }

    /// <summary>Database used by InfluxQL queries when the caller names none (2.x maps it through DBRP).</summary>
    public string? DefaultQueryDatabase => _options.Database ?? _options.Bucket;

    /// <summary><c>/query</c> URL; <paramref name="parameters"/> is a non-empty, already escaped query string.</summary>
    public Uri QueryUri(string parameters) => new($"{_base}/query?{parameters}{_queryCredentials}");

    public void Authorize(HttpRequestMessage request) => request.Headers.Authorization = _authorization;

    public static string Escape(string value) => Uri.EscapeDataString(value);

    private string BuildWriteUri()
    {
        string precision = Escape(_options.Precision.ToQueryValue(_options.ApiVersion));
        return _options.ApiVersion switch
        {
            InfluxApiVersion.V1 => $"{_base}/write?db={Escape(_options.Database!)}"
                + (string.IsNullOrEmpty(_options.RetentionPolicy) ? "" : $"&rp={Escape(_options.RetentionPolicy)}")
                + $"&precision={precision}{_queryCredentials}",
            InfluxApiVersion.V2 => $"{_base}/api/v2/write?org={Escape(_options.Organization!)}&bucket={Escape(_options.Bucket!)}&precision={precision}",
            InfluxApiVersion.V3 => $"{_base}/api/v3/write_lp?db={Escape(_options.Database!)}&precision={precision}",
            _ => throw new ArgumentOutOfRangeException(nameof(_options.ApiVersion)),
        };
    }
}
