using System.IO.Compression;
using System.Text;
using System.Web;

namespace Tracking.Influx.Tests.Support;

/// <summary>A request as a fake server saw it, body already gunzipped when Content-Encoding said so.</summary>
public sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] RawBody)
{
    public string Path => Uri.AbsolutePath;

    public string Query(string name) => HttpUtility.ParseQueryString(Uri.Query)[name] ?? throw new KeyNotFoundException(name);

    public IReadOnlyList<string> QueryNames => HttpUtility.ParseQueryString(Uri.Query).AllKeys.Select(k => k!).ToList();

    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;

    public bool Gzipped => string.Equals(Header("Content-Encoding"), "gzip", StringComparison.OrdinalIgnoreCase);

    public string Body => Encoding.UTF8.GetString(Gzipped ? Gunzip(RawBody) : RawBody);

    public IReadOnlyList<string> Lines => Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
