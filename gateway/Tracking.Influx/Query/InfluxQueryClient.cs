using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Influx.Writing;

namespace Tracking.Influx.Query;

/// <summary>
/// InfluxQL over the 1.x <c>/query</c> endpoint (also served by 2.x and 3.x for compatibility, authenticated
/// with the configured token). Times come back as Unix milliseconds (<c>epoch=ms</c>).
/// </summary>
public sealed partial class InfluxQueryClient : IDisposable
{
    private const int MaxGetQueryLength = 2000;

    private readonly InfluxEndpoint _endpoint;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;

    public InfluxQueryClient(InfluxOptions options, HttpClient? httpClient = null, ILogger<InfluxQueryClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = new InfluxEndpoint(options);
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All })
        {
            Timeout = options.RequestTimeout,
        };
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Runs <paramref name="influxQl"/> and returns its series. Read-only statements (SELECT/SHOW) go as GET,
    /// everything else as POST (1.x requires POST for CREATE/DROP/SELECT INTO).
    /// </summary>
    /// <param name="database">Database (<c>db</c>); defaults to the configured database or bucket.</param>
    /// <param name="chunked">Ask the server to stream the result in chunks (<c>chunked=true</c>), which bounds
    /// its memory for big results; the pieces are merged here.</param>
    /// <param name="chunkSize">Points per chunk (server default 10 000).</param>
    /// <exception cref="InfluxQueryException">The request or any statement failed.</exception>
    public async Task<InfluxQueryResult> QueryAsync(
        string influxQl,
        string? database = null,
        bool chunked = false,
        int? chunkSize = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(influxQl);
        var parameters = new StringBuilder("epoch=ms");
        database ??= _endpoint.DefaultQueryDatabase;
        if (!string.IsNullOrEmpty(database))
        {
            parameters.Append("&db=").Append(InfluxEndpoint.Escape(database));
        }

        if (chunked)
        {
            parameters.Append("&chunked=true");
            if (chunkSize is int size)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size, nameof(chunkSize));
                parameters.Append("&chunk_size=").Append(size);
            }
        }

        using HttpRequestMessage request = IsReadOnly(influxQl) && influxQl.Length <= MaxGetQueryLength
            ? new HttpRequestMessage(HttpMethod.Get, _endpoint.QueryUri(parameters.Append("&q=").Append(InfluxEndpoint.Escape(influxQl)).ToString()))
            : new HttpRequestMessage(HttpMethod.Post, _endpoint.QueryUri(parameters.ToString()))
            {
                Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("q", influxQl)]),
            };
        _endpoint.Authorize(request);

        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string body = await ServerErrorMessage.ReadBodyAsync(response.Content, cancellationToken).ConfigureAwait(false);
            string message = ServerErrorMessage.From((int)response.StatusCode, response.ReasonPhrase, response.Headers, body);
            LogQueryFailed((int)response.StatusCode, message);
            throw new InfluxQueryException($"InfluxDB query failed (HTTP {(int)response.StatusCode}): {message}", (int)response.StatusCode);
        }

        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await QueryResponseReader.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>SELECT (without INTO) and SHOW statements only; anything unusual is treated as a write.</summary>
    internal static bool IsReadOnly(string influxQl)
    {
        foreach (string statement in influxQl.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] words = statement.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            bool select = words[0].Equals("SELECT", StringComparison.OrdinalIgnoreCase);
            bool show = words[0].Equals("SHOW", StringComparison.OrdinalIgnoreCase);
            if (!(show || (select && !words.Any(w => w.Equals("INTO", StringComparison.OrdinalIgnoreCase)))))
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(EventId = 730, Level = LogLevel.Warning, Message = "InfluxQL query failed with HTTP {Status}: {Reason}")]
    private partial void LogQueryFailed(int status, string reason);
}
