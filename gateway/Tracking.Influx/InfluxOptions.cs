using Tracking.Influx.LineProtocol;

namespace Tracking.Influx;

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
