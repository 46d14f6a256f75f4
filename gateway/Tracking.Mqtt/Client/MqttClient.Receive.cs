using System.Buffers;
using Tracking.Mqtt.Packets;
using Tracking.Mqtt.Session;

namespace Tracking.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>
    /// Frames packets out of the socket's pipe and handles each synchronously; only when a step must wait
    /// (the message queue is full, the send pipe is full) does the loop release the buffer and await. Under load a small
    /// read is followed by a short pause (<see cref="MqttClientOptions.ReceiveCoalesceDelay"/>, <see cref="ReceiveCoalescing"/>).
    /// </summary>
    private async Task ReceiveLoopAsync(MqttConnection connection)
    {
        var input = connection.Input;
        TimeSpan coalesce = _options.ReceiveCoalesceDelay;
        try
        {
            while (true)
            {
                // Stopwatch time, not the client's TimeProvider: a pause of a millisecond must not wait for a test's
                // manual clock, and only decides how many messages a read carries, never what happens to them.
                long readStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                var read = await input.ReadAsync().ConfigureAwait(false);
                if (read.IsCanceled || connection.IsClosed) return;
                var buffer = read.Buffer;
                bool pause = ReceiveCoalescing.ShouldPause(buffer.Length, System.Diagnostics.Stopwatch.GetElapsedTime(readStarted), coalesce);
                ValueTask pending = default;
                while (MqttFixedHeader.TryRead(buffer, _options.MaximumPacketSize, out byte first, out int head, out int body) &&
                       buffer.Length >= head + body)
                {
                    connection.LastReceived = _time.GetTimestamp();
                    pending = HandlePacket(connection, first, buffer.Slice(head, body));
                    buffer = buffer.Slice(head + body);
                    if (!pending.IsCompletedSuccessfully) break;
                }
                if (!pending.IsCompletedSuccessfully)
                {
                    input.AdvanceTo(buffer.Start);
                    await pending.ConfigureAwait(false);
                    continue;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return;
                if (pause)
                {
                    Interlocked.Increment(ref Counters._coalescingPauses);
                    await Task.Delay(coalesce, connection.Closed).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (connection.IsClosed) return;
                }
            }
        }
        catch (MqttProtocolException ex)
        {
            Interlocked.Increment(ref Counters._protocolErrors);
            LogProtocolError(ex.ReasonCode, ex.Message);
            await SayGoodbyeAsync(connection, ex.ReasonCode).ConfigureAwait(false);
            connection.Close($"protocol error: {ex.Message}", ex);
        }
        catch (MqttNotConnectedException)
        {
            // The connection closed while an acknowledgement was being written; its reason is already recorded.
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            connection.Close("receive failed: " + ex.Message, ex);
        }
    }

    /// <summary>5.0 §4.13: on a protocol error the client sends DISCONNECT with the reason before closing.</summary>
    private static async Task SayGoodbyeAsync(MqttConnection connection, MqttReasonCode reason)
    {
        if (connection.Version != MqttProtocolVersion.V500) return;
        try
        {
            await connection.SendAsync(new DisconnectPacket { ReasonCode = reason }, static (w, p) => p.Write(w, MqttProtocolVersion.V500))
                .AsTask().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            await connection.DrainAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (Exception) { /* closing anyway */ }
    }

    private ValueTask HandlePacket(MqttConnection connection, byte first, ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment) return HandlePacket(connection, first, body.FirstSpan);
        // A packet split across pipe segments is copied once; the handlers copy what they keep.
        byte[] rented = ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            body.CopyTo(rented);
            return HandlePacket(connection, first, rented.AsSpan(0, (int)body.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private ValueTask HandlePacket(MqttConnection connection, byte first, ReadOnlySpan<byte> body)
    {
        var type = (MqttPacketType)(first >> 4);
        byte flags = (byte)(first & 0x0F);
        var version = connection.Version;
        switch (type)
        {
            case MqttPacketType.Publish:
                return HandlePublish(connection, PublishPacket.Decode(body, flags, version));
            case MqttPacketType.PubAck:
            case MqttPacketType.PubRec:
            case MqttPacketType.PubComp:
                return HandlePublishAck(connection, PublishAckPacket.Decode(type, body, flags, version));
            case MqttPacketType.PubRel:
            {
                var rel = PublishAckPacket.Decode(type, body, flags, version);
                lock (_sync) _incomingQos2.Remove(rel.PacketId);
                return SendPublishAckAsync(connection, MqttPacketType.PubComp, rel.PacketId);
            }
            case MqttPacketType.SubAck:
            case MqttPacketType.UnsubAck:
            {
                var ack = SubAckPacket.Decode(type, body, flags, version);
                PendingRequest? request;
                lock (_sync) _requests.TryGetValue(ack.PacketId, out request);
                if (request is null || request.Connection != connection) LogUnexpectedAck(type, ack.PacketId);
                else request.Completion.TrySetResult(ack);
                return ValueTask.CompletedTask;
            }
            case MqttPacketType.PingResp:
                PingPacket.Decode(type, body, flags);
                return ValueTask.CompletedTask;
            case MqttPacketType.Disconnect when version == MqttProtocolVersion.V500:
            {
                var d = DisconnectPacket.Decode(type, body, flags, version);
                connection.Close($"the server disconnected: {d.ReasonCode} (0x{(byte)d.ReasonCode:X2})" +
                    (d.Properties?.ReasonString is { } why ? ": " + why : ""));
                return ValueTask.CompletedTask;
            }
            default:
                // CONNACK twice, CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, AUTH (no enhanced authentication here),
                // or a 3.1.1 server's DISCONNECT: none may reach a client.
                throw MqttProtocolException.Violation($"a server must not send {type.ToString().ToUpperInvariant()} to a client");
        }
    }

    private ValueTask HandlePublish(MqttConnection connection, PublishPacket publish)
    {
        // We never grant topic aliases (Topic Alias Maximum absent = 0), so any alias is invalid (5.0 §3.3.2.3.4).
        if (publish.Properties?.TopicAlias is not null)
            throw new MqttProtocolException("the server used a topic alias we did not allow", MqttReasonCode.TopicAliasInvalid);
        if (publish.Qos == MqttQos.ExactlyOnce)
        {
            bool recorded;
            lock (_sync)
            {
                recorded = _incomingQos2.TryGetValue(publish.PacketId, out bool pubRecSent) && pubRecSent;
                if (!recorded) _incomingQos2[publish.PacketId] = false;
            }
            // Already received and PUBREC sent: the server missed our PUBREC. Answer it, do not deliver twice.
            if (recorded) return SendPublishAckAsync(connection, MqttPacketType.PubRec, publish.PacketId);
        }
        ReadOnlySpan<byte> payload = publish.Payload;
        MqttMessage message;
        if (_payloadPool is not null && payload.Length is > 0 and <= MqttClientOptions.PooledPayloadMaxBytes)
        {
            // The receive buffer is reused as soon as this returns, so the payload is copied once, into a pooled array.
            byte[] array = _payloadPool.Rent(payload.Length);
            payload.CopyTo(array);
            message = new MqttMessage(_topics.GetOrAdd(publish.TopicUtf8), array.AsMemory(0, payload.Length), publish.Qos, publish.Retain,
                publish.Duplicate, publish.PacketId, publish.Properties, connection, _payloadPool);
        }
        else
        {
            message = new MqttMessage(_topics.GetOrAdd(publish.TopicUtf8), payload.ToArray(), publish.Qos, publish.Retain,
                publish.Duplicate, publish.PacketId, publish.Properties, connection);
        }

        Interlocked.Increment(ref Counters._received);
        if (_messages.Writer.TryWrite(message)) return AutoAcknowledge(connection, message);
        return DeliverWhenRoomAsync(connection, message);
    }

    private async ValueTask DeliverWhenRoomAsync(MqttConnection connection, MqttMessage message)
    {
        // Not reading the socket while the application is behind passes the back-pressure to the server.
        await _messages.Writer.WriteAsync(message, connection.Closed).ConfigureAwait(false);
        await AutoAcknowledge(connection, message).ConfigureAwait(false);
    }

    private ValueTask AutoAcknowledge(MqttConnection connection, in MqttMessage message)
    {
        if (_options.ManualAcknowledgement || message.Qos == MqttQos.AtMostOnce) return ValueTask.CompletedTask;
        if (message.Qos == MqttQos.ExactlyOnce)
        {
            lock (_sync) _incomingQos2[message.PacketId] = true;
            return SendPublishAckAsync(connection, MqttPacketType.PubRec, message.PacketId);
        }
        return SendPublishAckAsync(connection, MqttPacketType.PubAck, message.PacketId);
    }

    private ValueTask HandlePublishAck(MqttConnection connection, PublishAckPacket ack)
    {
        OutgoingPublish? done = null;
        bool sendRelease = false;
        lock (_sync)
        {
            if (!_inflight.TryGetValue(ack.PacketId, out var p))
            {
                LogUnexpectedAck(ack.Type, ack.PacketId);
                return ValueTask.CompletedTask;
            }
            bool matches = ack.Type switch
            {
                MqttPacketType.PubAck => p.Qos == MqttQos.AtLeastOnce,
                MqttPacketType.PubRec => p.Qos == MqttQos.ExactlyOnce,
                _ => p.Qos == MqttQos.ExactlyOnce && p.Released,
            };
            if (!matches)
                throw MqttProtocolException.Violation($"{ack.Type.ToString().ToUpperInvariant()} for packet {ack.PacketId}, which is QoS {(int)p.Qos}");
            // §4.3.3: a PUBREC with a failure code ends the QoS 2 flow there.
            if (ack.Type == MqttPacketType.PubRec && ack.ReasonCode < MqttReasonCode.UnspecifiedError)
            {
                p.Released = true;
                sendRelease = true;
            }
            else
            {
                _inflight.Remove(ack.PacketId);
                done = p;
            }
        }
        if (sendRelease) return SendPublishAckAsync(connection, MqttPacketType.PubRel, ack.PacketId);
        _ids.Release(ack.PacketId);
        _window.Leave();
        done!.Complete(ack.ReasonCode);
        return ValueTask.CompletedTask;
    }
}
