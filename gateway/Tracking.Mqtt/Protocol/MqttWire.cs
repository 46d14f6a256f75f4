using System.Text;
using System.Text.Unicode;

namespace Tracking.Mqtt;

/// <summary>Sizes, validation and writing of the MQTT data representations.</summary>
public static class MqttWire
{
    /// <summary>The largest value of a Variable Byte Integer, and so of a packet's Remaining Length.</summary>
    public const int MaxVariableByteInteger = 268_435_455;

    public static int VariableByteIntegerSize(int value) => value switch
    {
        < 0 => throw new ArgumentOutOfRangeException(nameof(value)),
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        <= MaxVariableByteInteger => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(value), "above the largest variable byte integer"),
    };

    /// <summary>Size of a UTF-8 string field: two length bytes plus the encoded string.</summary>
    public static int StringSize(string value)
    {
        int n = Encoding.UTF8.GetByteCount(value);
        if (n > ushort.MaxValue) throw new ArgumentException($"string of {n} bytes is longer than 65,535", nameof(value));
        return 2 + n;
    }

    public static int BinarySize(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue) throw new ArgumentException("binary data longer than 65,535 bytes", nameof(value));
        return 2 + value.Length;
    }

    /// <summary>§1.5.4: ill-formed UTF-8 (including encoded surrogates) and U+0000 are malformed.</summary>
    public static void ValidateUtf8(ReadOnlySpan<byte> bytes)
    {
        if (!Utf8.IsValid(bytes)) throw MqttProtocolException.Malformed("string is not well-formed UTF-8");
        if (bytes.IndexOf((byte)0) >= 0) throw MqttProtocolException.Malformed("string contains U+0000");
    }

    /// <summary>Rejects strings we are about to send that the peer would have to treat as malformed.</summary>
    public static void ValidateOutgoing(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value, what);
        if (value.Contains('\0')) throw new ArgumentException($"{what} contains U+0000", what);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && (i + 1 >= value.Length || !char.IsLowSurrogate(value[++i])))
                throw new ArgumentException($"{what} contains an unpaired surrogate", what);
            if (char.IsLowSurrogate(c)) throw new ArgumentException($"{what} contains an unpaired surrogate", what);
        }
    }
}
