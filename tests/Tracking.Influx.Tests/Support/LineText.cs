using System.Text;
using Tracking.Influx.LineProtocol;

namespace Tracking.Influx.Tests.Support;

public static class LineText
{
    public static string Of(LineProtocolBuffer buffer) => Encoding.UTF8.GetString(buffer.WrittenMemory.Span);

    /// <summary>Encodes one line with <paramref name="build"/> and returns its text (with the newline).</summary>
    public static string Encode(Action<LineProtocolBuffer> build, WritePrecision precision = WritePrecision.Milliseconds)
    {
        using var buffer = new LineProtocolBuffer(precision);
        build(buffer);
        return Of(buffer);
    }
}
