namespace Tracking.Mqtt.Session;

/// <summary>
/// Bounds the outgoing QoS 1/2 messages awaiting acknowledgement: the client's own limit, lowered to the
/// server's Receive Maximum (5.0 §3.3.4: sending more is a protocol error). The limit may change on
/// every connect. Waiting costs an allocation only when the window is actually full.
/// </summary>
internal sealed class InflightWindow(int limit)
{
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private int _limit = limit;
    private int _used;

    public int Used { get { lock (_waiters) return _used; } }
    public int Limit { get { lock (_waiters) return _limit; } }

    public ValueTask EnterAsync(CancellationToken ct)
    {
        TaskCompletionSource waiter;
        lock (_waiters)
        {
            if (_used < _limit && _waiters.Count == 0)
            {
                _used++;
                return ValueTask.CompletedTask;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }
        return WaitAsync(waiter, ct);
    }

    private async ValueTask WaitAsync(TaskCompletionSource waiter, CancellationToken ct)
    {
        using (ct.Register(static w => ((TaskCompletionSource)w!).TrySetCanceled(), waiter))
        {
            try
            {
                await waiter.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A permit granted in the same instant as the cancellation must not leak.
                if (waiter.Task.IsCompletedSuccessfully) Leave();
                throw;
            }
        }
    }

    public void Leave()
    {
        lock (_waiters)
        {
            _used--;
            Admit();
        }
    }

    public void SetLimit(int limit)
    {
        lock (_waiters)
        {
            _limit = Math.Max(1, limit);
            Admit();
        }
    }

    /// <summary>Fails every waiter, e.g. when the client is disposed.</summary>
    public void FailWaiters(Exception error)
    {
        lock (_waiters)
            while (_waiters.TryDequeue(out var w)) w.TrySetException(error);
    }

    private void Admit()
    {
        while (_used < _limit && _waiters.TryDequeue(out var w))
            if (w.TrySetResult()) _used++;
    }
}
