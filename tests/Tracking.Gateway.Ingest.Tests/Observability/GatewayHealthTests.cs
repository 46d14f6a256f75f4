using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Observability;

/// <summary>
/// Each problem /healthz reports appears exactly when its limit is crossed and is gone once the cause is: one input
/// changed at a time, the others healthy, so the list is compared whole.
/// </summary>
public sealed class GatewayHealthTests : IDisposable
{
    private const int RecordBytes = 1024;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "health-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new();
    private readonly FailingSpoolFileSystem _files = new();

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private static HealthOptions Settings(double highWaterMark = 0.5, double deadLettersPerMinute = 10) => new()
    {
        InfluxUnreachableAfter = TimeSpan.FromSeconds(30),
        SpoolHighWaterMark = highWaterMark,
        DeadLettersPerMinute = deadLettersPerMinute,
        DeadLetterWindow = TimeSpan.FromMinutes(1),
    };

    // Two 4 KiB segments: records of exactly 1 KiB (header included) make the fill ratio 1/8 per record.
    private DiskSpool OpenSpool() =>
        DiskSpool.Open(new SpoolOptions { Directory = _dir, SegmentBytes = 4096, MaxBytes = 8192 }, null, _files);

    private static readonly byte[] Payload = new byte[RecordBytes - 8];

    private static void Append(DiskSpool spool, int records)
    {
        for (int i = 0; i < records; i++) Assert.True(spool.TryAppend(Payload));
        Assert.True(spool.Commit());
    }

    /// <summary>Confirms everything committed, so the segments before the active one are deleted.</summary>
    private static void ConfirmAll(DiskSpool spool)
    {
        using SpoolReader reader = spool.CreateReader();
        int read = 0;
        while (reader.Read(100, 0, static (_, _, _) => { }) is int n and > 0) read += n;
        spool.Confirm(reader.Position, read);
    }

    private static void AssertProblems(HealthSnapshot health, params string[] starts)
    {
        Assert.Equal(starts.Length, health.Problems.Count);
        for (int i = 0; i < starts.Length; i++) Assert.StartsWith(starts[i], health.Problems[i]);
        Assert.Equal(starts.Length == 0, health.Ok);
    }

    [Fact]
    public void Healthy_inputs_have_no_problem_and_the_broker_connection_is_one()
    {
        using DiskSpool spool = OpenSpool();
        var health = new GatewayHealth(Settings(), _time);

        AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero));
        AssertProblems(health.Evaluate(false, spool, 0, null, TimeSpan.Zero), "mqtt not connected");
        AssertProblems(health.Evaluate(true, null, 0, null, TimeSpan.Zero), "spool not open");
        AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero));
    }

    [Fact]
    public void Influx_is_a_problem_from_the_limit_on_and_no_more_once_it_takes_writes()
    {
        using DiskSpool spool = OpenSpool();
        var health = new GatewayHealth(Settings(), _time);

        HealthSnapshot below = health.Evaluate(true, spool, 0, null, TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        AssertProblems(below);
        Assert.Equal(30, below.InfluxUnreachableSeconds, 2);

        HealthSnapshot at = health.Evaluate(true, spool, 0, null, TimeSpan.FromSeconds(30));
        AssertProblems(at, "influxdb unreachable for 30 s (limit 30 s)");

        AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.FromSeconds(95)), "influxdb unreachable for 95 s");
        AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero));
    }

    [Fact]
    public void The_spool_is_a_problem_from_its_high_water_mark_on_and_no_more_once_drained()
    {
        using DiskSpool spool = OpenSpool();
        var health = new GatewayHealth(Settings(), _time);

        Append(spool, 3);
        HealthSnapshot below = health.Evaluate(true, spool, 0, null, TimeSpan.Zero);
        AssertProblems(below);
        Assert.Equal(3.0 / 8, below.SpoolFillRatio, 6);

        Append(spool, 1);
        HealthSnapshot at = health.Evaluate(true, spool, 0, null, TimeSpan.Zero);
        AssertProblems(at, "spool above high-water mark: 50.0");
        Assert.False(at.SpoolBlocked);

        Append(spool, 1); // starts the second segment, so that confirming deletes the first
        ConfirmAll(spool);
        HealthSnapshot drained = health.Evaluate(true, spool, 0, null, TimeSpan.Zero);
        AssertProblems(drained);
        Assert.Equal(1.0 / 8, drained.SpoolFillRatio, 6);
    }

    [Fact]
    public void A_full_spool_is_blocked_from_the_record_it_refuses_until_confirmations_make_room()
    {
        using DiskSpool spool = OpenSpool();
        var health = new GatewayHealth(Settings(highWaterMark: 1), _time);

        Append(spool, 7);
        AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero));
        Append(spool, 1); // 8 KiB: full, but nothing refused yet
        AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero), "spool above high-water mark");

        Assert.False(spool.TryAppend(Payload));
        HealthSnapshot blocked = health.Evaluate(true, spool, 0, null, TimeSpan.Zero);
        AssertProblems(blocked, "spool above high-water mark", "spool blocked: full: the next record (1024 bytes) does not fit (8192 of 8192 bytes used)");
        Assert.True(blocked.SpoolBlocked);

        ConfirmAll(spool);
        HealthSnapshot room = health.Evaluate(true, spool, 0, null, TimeSpan.Zero);
        AssertProblems(room);
        Assert.False(room.SpoolBlocked);
    }

    [Fact]
    public void A_disk_error_blocks_the_spool_until_a_commit_works_and_a_checkpoint_error_shows_until_one_is_written()
    {
        using DiskSpool spool = OpenSpool();
        var health = new GatewayHealth(Settings(highWaterMark: 1), _time);

        _files.FailWrites = true;
        Assert.True(spool.TryAppend(Payload));
        Assert.False(spool.Commit());
        HealthSnapshot failing = health.Evaluate(true, spool, 0, null, TimeSpan.Zero);
        AssertProblems(failing, "spool blocked: disk error: No space left on device (test)");
        Assert.True(failing.SpoolBlocked);

        _files.FailWrites = false;
        Assert.True(spool.Commit());
        AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero));

        _files.FailCheckpoints = true;
        Append(spool, 1);
        using (SpoolReader reader = spool.CreateReader())
        {
            reader.Read(1, 0, static (_, _, _) => { });
            spool.Confirm(reader.Position, 1);
            AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero), "spool checkpoint not written: No space left on device (test checkpoint)");

            _files.FailCheckpoints = false;
            reader.Read(1, 0, static (_, _, _) => { });
            spool.Confirm(reader.Position, 1);
            AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero));
        }
    }

    [Fact]
    public void Dead_letters_are_a_problem_above_the_rate_and_no_more_once_the_window_has_passed()
    {
        using DiskSpool spool = OpenSpool();
        var health = new GatewayHealth(Settings(), _time);

        AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero));
        _time.Advance(TimeSpan.FromSeconds(30));
        // Within the first minute the growth is divided by a whole minute: 10 letters are 10/min, the limit, not above it.
        HealthSnapshot at = health.Evaluate(true, spool, 10, null, TimeSpan.Zero);
        AssertProblems(at);
        Assert.Equal(10, at.DeadLettersPerMinute, 6);

        _time.Advance(TimeSpan.FromSeconds(1));
        HealthSnapshot above = health.Evaluate(true, spool, 11, null, TimeSpan.Zero);
        AssertProblems(above, "dead letters at 11/min over 1 min (limit 10/min)");

        // No more letters: once the window has passed beyond the burst, the rate falls to 0.
        _time.Advance(TimeSpan.FromSeconds(30));
        AssertProblems(health.Evaluate(true, spool, 11, null, TimeSpan.Zero), "dead letters at");
        _time.Advance(TimeSpan.FromSeconds(31));
        HealthSnapshot after = health.Evaluate(true, spool, 11, null, TimeSpan.Zero);
        AssertProblems(after);
        Assert.Equal(0, after.DeadLettersPerMinute);
    }

    [Fact]
    public void A_steady_rate_below_the_limit_is_no_problem_and_a_zero_limit_turns_the_check_off()
    {
        using DiskSpool spool = OpenSpool();
        var health = new GatewayHealth(Settings(), _time);
        var unlimited = new GatewayHealth(Settings(deadLettersPerMinute: 0), _time);

        // 9 letters a minute for five minutes: sampled every 10 s, never above 10/min.
        long letters = 0;
        for (int i = 0; i <= 30; i++)
        {
            AssertProblems(health.Evaluate(true, spool, letters, null, TimeSpan.Zero));
            AssertProblems(unlimited.Evaluate(true, spool, letters * 100, null, TimeSpan.Zero));
            _time.Advance(TimeSpan.FromSeconds(10));
            letters += i % 2 == 0 ? 1 : 2; // 1.5 per 10 s
        }
    }

    [Fact]
    public void A_dead_letter_file_error_is_a_problem_while_it_lasts()
    {
        using DiskSpool spool = OpenSpool();
        var health = new GatewayHealth(Settings(), _time);

        AssertProblems(health.Evaluate(true, spool, 0, "No space left on device", TimeSpan.Zero), "dead-letter file not written: No space left on device");
        AssertProblems(health.Evaluate(true, spool, 0, null, TimeSpan.Zero));
    }
}
