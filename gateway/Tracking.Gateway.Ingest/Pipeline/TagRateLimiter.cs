using Tracking.Gateway.Ingest.Configuration;

namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>
/// A token bucket per tag path ({fleet}/{container}/{tag}): <see cref="TagRateLimitOptions.Burst"/> tokens, refilled at
/// <see cref="TagRateLimitOptions.MessagesPerSecond"/>, one per message. Looked up by the span of the topic, so a message
/// of a known tag allocates nothing. Not thread-safe (the ingest stage is one loop).
/// </summary>
public sealed class TagRateLimiter
{
    private readonly double _rate;
    private readonly double _burst;
    private readonly int _maxTags;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Bucket>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public TagRateLimiter(TagRateLimitOptions options, TimeProvider time)
    {
        _rate = options.MessagesPerSecond;
        _burst = options.Burst;
        _maxTags = options.MaxTags;
        _time = time;
        _lookup = _buckets.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Tags with a bucket (tests, the bound).</summary>
    public int Tags => _buckets.Count;

    /// <summary>Tags in a throttle episode: refused since their bucket was last full.</summary>
    public int ThrottledTags { get; private set; }

    /// <summary>
    /// Takes a token of the tag's bucket. False when it is empty; <paramref name="throttleStarted"/> is then true for the
    /// first refusal since the tag's bucket was last full (one report per episode of flooding, not per message).
    /// </summary>
    public bool TryTake(ReadOnlySpan<char> tagPath, out bool throttleStarted)
    {
        throttleStarted = false;
        long now = _time.GetTimestamp();
        if (!_lookup.TryGetValue(tagPath, out Bucket bucket))
        {
            if (_buckets.Count >= _maxTags) Prune(now);
            bucket = new Bucket { Tokens = _burst, Stamp = now };
        }
        else
        {
            bucket.Tokens = Math.Min(_burst, bucket.Tokens + (_time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * _rate));
            bucket.Stamp = now;
        }

        if (bucket.Throttled && bucket.Tokens >= _burst)
        {
            // The episode ends when the bucket is full again, i.e. the tag kept within its rate for Burst/rate seconds:
            // a flooder that gets a refilled token now and then is still one episode (one report), not one per token.
            bucket.Throttled = false;
            ThrottledTags--;
        }

        bool allowed = bucket.Tokens >= 1;
        if (allowed)
        {
            bucket.Tokens -= 1;
        }
        else if (!bucket.Throttled)
        {
            bucket.Throttled = true;
            ThrottledTags++;
            throttleStarted = true;
        }

        _lookup[tagPath] = bucket;
        return allowed;
    }

    /// <summary>Drops the buckets that are full again (their tags are idle): forgetting them changes no decision.</summary>
    private void Prune(long now)
    {
        foreach ((string tag, Bucket b) in _buckets)
        {
            if (b.Tokens + (_time.GetElapsedTime(b.Stamp, now).TotalSeconds * _rate) >= _burst)
            {
                if (b.Throttled) ThrottledTags--;
                _buckets.Remove(tag);
            }
        }
    }

    private struct Bucket
    {
        public double Tokens;
        public long Stamp;
        public bool Throttled;
    }
}
