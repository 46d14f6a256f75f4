using System.Buffers.Text;

namespace Tracking.Bench;

/// <summary>
/// Decodes an HTTP/1.1 chunked body (RFC 9112, section 7.1) as it arrives, for the bench's stream clients
/// (<see cref="SseClient"/>): chunk size lines (extensions ignored), data, the CRLF after it, and the last chunk. The
/// gateway is trusted here (it is the system under test, on loopback); a malformed frame ends the run with an error.
/// </summary>
internal sealed class ChunkDecoder
{
    private enum State { SizeLine, Data, DataEnd, Ended }

    private State _state;
    private long _remaining;

    /// <summary>The last chunk came: the response is over.</summary>
    public bool Ended => _state == State.Ended;

    /// <summary>
    /// Copies the data of the chunks in <paramref name="input"/> to <paramref name="output"/> until either runs out or
    /// the body ends; returns the bytes copied, <paramref name="used"/> the input taken (an incomplete size line stays).
    /// </summary>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output, out int used)
    {
        used = 0;
        int copied = 0;
        while (_state != State.Ended)
        {
            switch (_state)
            {
                case State.SizeLine:
                {
                    int end = input[used..].IndexOf("\r\n"u8);
                    if (end < 0) return copied;
                    ReadOnlySpan<byte> line = input.Slice(used, end);
                    int extension = line.IndexOf((byte)';');
                    if (extension >= 0) line = line[..extension];
                    if (!Utf8Parser.TryParse(line, out long size, out int length, 'x') || length != line.Length)
                    {
                        throw new InvalidDataException($"chunk size line '{System.Text.Encoding.ASCII.GetString(line)}'");
                    }
                    used += end + 2;
                    _remaining = size;
                    _state = size == 0 ? State.Ended : State.Data;
                    break;
                }
                case State.Data:
                {
                    int n = (int)Math.Min(_remaining, Math.Min(input.Length - used, output.Length - copied));
                    if (n == 0) return copied;
                    input.Slice(used, n).CopyTo(output[copied..]);
                    used += n;
                    copied += n;
                    _remaining -= n;
                    if (_remaining == 0) _state = State.DataEnd;
                    break;
                }
                default:
                {
                    if (input.Length - used < 2) return copied;
                    if (input[used] != '\r' || input[used + 1] != '\n') throw new InvalidDataException("no CRLF after a chunk's data");
                    used += 2;
                    _state = State.SizeLine;
                    break;
                }
            }
        }
        return copied;
    }
}
