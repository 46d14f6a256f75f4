using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>
/// What the SQL stores add to the contract: a versioned schema (fresh, re-opened, upgraded step by step, a failed step
/// rolled back, a newer database refused) and data that outlives the store instance.
/// </summary>
public abstract class SqlRuleStoreContractTests : RuleStoreContractTests
{
    /// <summary>Opens a store on this test's database with the given migrations (the real ones when null).</summary>
    protected abstract Task<SqlRuleStore> OpenSqlStoreAsync(IReadOnlyList<SqlMigration>? migrations = null);

    /// <summary>Runs SQL on this test's database outside any store; returns the first column of the first row.</summary>
    protected abstract Task<object?> ScalarAsync(string sql);

    protected override async Task<IRuleStore> OpenStoreAsync() => await OpenSqlStoreAsync();

    private async Task<long> CountAsync(string sql) => Convert.ToInt64(await ScalarAsync(sql));

    [Fact]
    public async Task A_fresh_database_gets_every_migration_once_and_reopening_applies_none()
    {
        var store = (SqlRuleStore)Store;
        Assert.Equal(store.KnownSchemaVersion, await CountAsync("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(store.KnownSchemaVersion, await CountAsync("SELECT COUNT(*) FROM schema_version"));

        await using (SqlRuleStore again = await OpenSqlStoreAsync())
        await using (SqlRuleStore third = await OpenSqlStoreAsync())
        {
            Assert.Null(await again.GetProfileAsync("none"));
        }
        Assert.Equal(store.KnownSchemaVersion, await CountAsync("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public async Task Data_outlives_the_store_instance()
    {
        await Store.PutProfileAsync(Pharma);
        await Store.AssignProfileAsync(Box with { Container = "*" }, "pharma");
        Alert alert = (await Store.OpenAlertAsync(NewAlert("kept"))).Alert;
        await Store.PutExcursionAsync(new Excursion { Container = Box, Tag = "tag7", Band = "temp_c_upper_8", Start = Start, Peak = 9 });
        await Store.SaveStateAsync(Box, new byte[] { 7, 7 });
        await ((SqlRuleStore)Store).DisposeAsync();

        await using SqlRuleStore reopened = await OpenSqlStoreAsync();
        AssertSameProfile(Pharma, await reopened.GetProfileAsync("pharma"));
        Assert.Equal("pharma", await reopened.AssignedProfileAsync(Box));
        Assert.Equal(alert, await reopened.GetAlertAsync(alert.Id));
        Assert.False((await reopened.OpenAlertAsync(NewAlert("kept"))).Created);
        Assert.Single(await reopened.ListExcursionsAsync(Box, Start, Start.AddDays(1)));
        Assert.Equal(new byte[] { 7, 7 }, (await reopened.LoadStateAsync(Box))!.State);
        Assert.Equal([Box], await reopened.ListContainersAsync());
        Alert next = (await reopened.OpenAlertAsync(NewAlert("next"))).Alert;
        Assert.True(next.Id > alert.Id);
    }

    [Fact]
    public async Task A_database_of_a_newer_schema_is_refused_and_left_alone()
    {
        var store = (SqlRuleStore)Store;
        int newer = store.KnownSchemaVersion + 1;
        await ScalarAsync($"INSERT INTO schema_version (version, description, applied_at_ticks) VALUES ({newer}, 'from the future', 0)");

        var e = await Assert.ThrowsAsync<RuleStoreSchemaException>(() => OpenSqlStoreAsync());
        Assert.Contains($"schema version {newer}, newer than this gateway knows ({store.KnownSchemaVersion})", e.Message);
        Assert.Equal(newer, await CountAsync("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task Migrations_apply_step_by_step_and_a_failed_step_is_rolled_back()
    {
        IReadOnlyList<SqlMigration> real = RealMigrations;
        SqlMigration extra = new(real.Count + 1, "a test table", "CREATE TABLE test_extra (n INTEGER NOT NULL); INSERT INTO test_extra (n) VALUES (42);");
        await using (SqlRuleStore upgraded = await OpenSqlStoreAsync([.. real, extra]))
        {
            Assert.Equal(real.Count + 1, upgraded.KnownSchemaVersion);
        }
        Assert.Equal(42, await CountAsync("SELECT n FROM test_extra"));
        Assert.Equal(real.Count + 1, await CountAsync("SELECT MAX(version) FROM schema_version"));

        // The step creates a table, then fails: the table must not remain, the version must not move.
        SqlMigration broken = new(real.Count + 2, "broken", "CREATE TABLE test_half (n INTEGER); INSERT INTO no_such_table VALUES (1);");
        var e = await Assert.ThrowsAsync<RuleStoreSchemaException>(() => OpenSqlStoreAsync([.. real, extra, broken]));
        Assert.Contains($"migration to schema version {real.Count + 2} (broken) failed, left at version {real.Count + 1}", e.Message);
        Assert.Equal(real.Count + 1, await CountAsync("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(0, await CountAsync(TableCountSql("test_half")));
        Assert.Equal(1, await CountAsync(TableCountSql("test_extra")));
    }

    [Fact]
    public async Task Migration_2_gives_the_alerts_of_an_older_database_their_tag_from_the_key()
    {
        // Back to schema 1 (no tag column, no version), with alerts written by a gateway of that schema.
        await ScalarAsync("ALTER TABLE alerts DROP COLUMN tag");
        await ScalarAsync("ALTER TABLE alerts DROP COLUMN version");
        await DropOutboxKindAsync();
        await ScalarAsync("DELETE FROM schema_version WHERE version >= 2");
        string prefix = $"{Box.Fleet}.{Box.Container}.";
        foreach (string key in (string[])[prefix + "tag7.temp_high.temp_c_upper_8.1", prefix + "tag-9_x.shock.1.2", prefix + "notag", "odd key", "other.CSQU3054383.tag7.k.1"])
        {
            await ScalarAsync("INSERT INTO alerts (key, fleet, container, kind, severity, state, since_ticks, raised_at_ticks, late_ticks, message, escalations) "
                + $"VALUES ('{key}', '{Box.Fleet}', '{Box.Container}', 'temp_high', 'alarm', 'open', 0, 0, 0, '', 0)");
        }

        await using SqlRuleStore upgraded = await OpenSqlStoreAsync();

        IReadOnlyList<Alert> alerts = await upgraded.ListAlertsAsync(new AlertQuery(Limit: 10));
        Assert.Equal(
            [(prefix + "notag", null), (prefix + "tag-9_x.shock.1.2", "tag-9_x"), (prefix + "tag7.temp_high.temp_c_upper_8.1", "tag7"), ("odd key", null),
             ("other.CSQU3054383.tag7.k.1", null)],
            alerts.Select(a => (a.Key, a.Tag)).OrderBy(a => a.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_excursions_tag_step_keeps_older_rows_untagged_until_their_tag_writes_them_again()
    {
        // Back to the schema before the step (excursions keyed without their tag), with rows written by a gateway of then.
        int step = RealMigrations.Single(m => m.Description == "excursions.tag").Version;
        await ScalarAsync("DROP TABLE excursions");
        await ScalarAsync("CREATE TABLE excursions (fleet TEXT NOT NULL, container TEXT NOT NULL, band TEXT NOT NULL, start_ticks BIGINT NOT NULL, "
            + "end_ticks BIGINT, peak DOUBLE PRECISION NOT NULL, duration_ticks BIGINT NOT NULL, PRIMARY KEY (fleet, container, band, start_ticks))");
        await ScalarAsync($"DELETE FROM schema_version WHERE version >= {step}");
        // The steps after it are set back too: the alerts.version column they add (SQLite cannot add it only if missing).
        await ScalarAsync("ALTER TABLE alerts DROP COLUMN version");
        await DropOutboxKindAsync();
        foreach (int hour in (int[])[0, 5])
        {
            await ScalarAsync("INSERT INTO excursions (fleet, container, band, start_ticks, end_ticks, peak, duration_ticks) "
                + $"VALUES ('{Box.Fleet}', '{Box.Container}', 'temp_c_upper_8', {Start.AddHours(hour).UtcTicks}, NULL, 9, {TimeSpan.FromHours(1).Ticks})");
        }

        await using SqlRuleStore upgraded = await OpenSqlStoreAsync();
        IReadOnlyList<Excursion> before = await upgraded.ListExcursionsAsync(Box, Start, Start.AddDays(1));
        Assert.Equal([("", Start), ("", Start.AddHours(5))], before.Select(e => (e.Tag, e.Start)));

        // The open excursion at 5 h goes on after the upgrade: written under its tag, it replaces its untagged row.
        Excursion goesOn = before[1] with { Tag = "tag7", Peak = 9.5, Duration = TimeSpan.FromHours(2) };
        await upgraded.PutExcursionAsync(goesOn);
        Assert.Equal([before[0], goesOn], await upgraded.ListExcursionsAsync(Box, Start, Start.AddDays(1)));
    }

    [Fact]
    public async Task The_warnings_step_keeps_the_notifications_owed_before_it_as_alert_changes()
    {
        // Back to the schema before the step, with an alert change owed by a gateway of then (a crash before its delivery).
        Alert alert = (await Store.OpenAlertAsync(NewAlert("before"))).Alert;
        AlertEvent owedBefore = Assert.Single(await Store.ListAlertEventsAsync(10));
        int step = RealMigrations.Single(m => m.Description.StartsWith("warnings;", StringComparison.Ordinal)).Version;
        await DropOutboxKindAsync();
        await ScalarAsync("DROP TABLE warnings");
        await ScalarAsync($"DELETE FROM schema_version WHERE version >= {step}");

        await using SqlRuleStore upgraded = await OpenSqlStoreAsync();
        Assert.Equal(owedBefore, Assert.Single(await upgraded.ListAlertEventsAsync(10)));
        Assert.Equal(alert, owedBefore.Notification!.Alert);
        var warning = new WarningNotification(WarningTransition.Issued, new PredictiveWarning
        {
            Container = Box, Tag = "tag7", Band = "temp_c_upper_8", Kind = "temp_high", Severity = Severity.Alarm, IssuedAt = Start,
        }, Start);
        Assert.True(await upgraded.RecordWarningAsync(warning));
        Assert.Equal([null, warning], (await upgraded.ListAlertEventsAsync(10)).Select(e => e.Warning));
    }

    /// <summary>Sets the outbox back to before step 8 (the warnings step), whose columns SQLite cannot add only if missing.</summary>
    private async Task DropOutboxKindAsync()
    {
        await ScalarAsync("ALTER TABLE alert_events DROP COLUMN kind");
        await ScalarAsync("ALTER TABLE alert_events DROP COLUMN reason");
    }

    /// <summary>SQL counting the tables of that name (0 or 1).</summary>
    protected abstract string TableCountSql(string table);

    /// <summary>This store's own migration list.</summary>
    protected abstract IReadOnlyList<SqlMigration> RealMigrations { get; }
}
