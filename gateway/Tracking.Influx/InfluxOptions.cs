using Tracking.Influx.LineProtocol;

namespace Tracking.Influx;

/// <summary>How the 1.x API receives user and password.</summary>
public enum InfluxCredentialsMode
{
    /// <summary><c>Authorization: Basic</c>; keeps the password out of URLs and access logs.</summary>
    BasicAuth,

    /// <summary><c>u</c> and <c>p</c> query parameters.</summary>
    QueryString,
}

/// <summary>Connection and write settings; bind from configuration section <see cref="SectionName"/>.</summary>
public sealed class InfluxOptions
{
    public const string SectionName = "Influx";

    /// <summary>Base URL of the server (a path prefix such as a reverse-proxy mount is kept).</summary>
    public Uri Url { get; set; } = new("http://127.0.0.1:8086");

    public InfluxApiVersion ApiVersion { get; set; } = InfluxApiVersion.V1;

    /// <summary>1.x and 3.x database; also the default database of InfluxQL queries.</summary>
    public string? Database { get; set; }

    /// <summary>1.x retention policy (<c>rp</c>); the database default when empty.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>1.x user; no authentication when empty.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public InfluxCredentialsMode CredentialsMode { get; set; } = InfluxCredentialsMode.BasicAuth;

    /// <summary>2.x organization (name or id).</summary>
    public string? Organization { get; set; }

    /// <summary>2.x bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>2.x/3.x API token (<c>Token</c> resp. <c>Bearer</c> scheme); on 1.x sent as <c>Token</c> when no user is set.</summary>
    public string? Token { get; set; }

    /// <summary>Unit of the timestamps in written lines.</summary>
    public WritePrecision Precision { get; set; } = WritePrecision.Milliseconds;

    /// <summary>Whether request bodies go out with <c>Content-Encoding: gzip</c>; see <see cref="InfluxCompression"/>.</summary>
    public InfluxCompression Compression { get; set; } = InfluxCompression.Auto;

    /// <summary>Bodies smaller than this are sent uncompressed even when compression is on.</summary>
    public int GzipMinimumBytes { get; set; } = 1024;

    /// <summary>Time limit of one HTTP request; a request that exceeds it is retried like a network error.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public InfluxRetryOptions Retry { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first missing or invalid setting.</summary>
    public void Validate()
    {
        if (Url is null || !Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{nameof(Url)} must be an absolute http(s) URL.");
        }

        switch (ApiVersion)
        {
            case InfluxApiVersion.V1:
                Require(Database, nameof(Database));
                if (!string.IsNullOrEmpty(Username) && Password is null)
                {
                    throw new ArgumentException($"{nameof(Password)} is required when {nameof(Username)} is set.");
                }

                break;
            case InfluxApiVersion.V2:
                Require(Organization, nameof(Organization));
                Require(Bucket, nameof(Bucket));
                Require(Token, nameof(Token));
                break;
            case InfluxApiVersion.V3:
                Require(Database, nameof(Database));
                break;
            default:
                throw new ArgumentException($"Unknown {nameof(ApiVersion)} {ApiVersion}.");
        }

        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentException($"Unknown {nameof(Precision)} {Precision}.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(RequestTimeout)} must be positive.");
        }

        if (!Enum.IsDefined(Compression))
        {
            throw new ArgumentException($"Unknown {nameof(Compression)} {Compression}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(GzipMinimumBytes);
        (Retry ?? throw new ArgumentException($"{nameof(Retry)} is required.")).Validate();
    }

    /// <summary>Whether bodies of at least <see cref="GzipMinimumBytes"/> are gzipped for this configuration.</summary>
    public bool UsesGzip => Compression switch
    {
        InfluxCompression.Gzip => true,
        InfluxCompression.None => false,
        _ => !Url.IsLoopback,
    };

    private static void Require(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is required for this API version.");
        }
    }
}

/// <summary>Retries of network errors, timeouts, 429, 5xx and other non-line errors.</summary>
public sealed class InfluxRetryOptions
{
    /// <summary>Backoff ceiling after the first failure; doubles per further failure.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per request including the first; null retries until the caller cancels, which suits a
    /// spooling gateway: lines are never given up, back-pressure builds instead.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>Upper bound on a server's <c>Retry-After</c>, so a bogus header cannot stall writes for days.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        if (InitialDelay < TimeSpan.Zero || MaxDelay < InitialDelay)
        {
            throw new ArgumentException($"Retry delays must satisfy 0 <= {nameof(InitialDelay)} <= {nameof(MaxDelay)}.");
        }

        if (MaxAttempts is < 1)
        {
            throw new ArgumentException($"{nameof(MaxAttempts)} must be at least 1 (or empty for no limit).");
        }

        if (MaxRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(MaxRetryAfter)} must not be negative.");
        }
    }
}
