using Microsoft.Extensions.Options;
using Npgsql;

namespace Tracking.Gateway.Rules.Store;

/// <summary>Checks Rules:Store before the gateway starts: one message per bad value, naming the key.</summary>
public sealed class RuleStoreOptionsValidator : IValidateOptions<RuleStoreOptions>
{
    private const string Section = RuleStoreOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, RuleStoreOptions options)
    {
        var failures = new List<string>();
        string kind = options.Kind?.Trim().ToLowerInvariant() ?? "";
        if (!RuleStoreKind.All.Contains(kind))
        {
            failures.Add($"{Section}:Kind must be {string.Join(", ", RuleStoreKind.All)}, not '{options.Kind}'");
        }
        if (kind == RuleStoreKind.Sqlite)
        {
            if (string.IsNullOrWhiteSpace(options.SqlitePath))
            {
                failures.Add($"{Section}:SqlitePath is required when {Section}:Kind is sqlite");
            }
            else if (Directory.Exists(options.SqlitePath))
            {
                failures.Add($"{Section}:SqlitePath '{options.SqlitePath}' is a directory; name the database file in it, e.g. rules.db");
            }
            // Zero would not mean "fail at once": Microsoft.Data.Sqlite reads a zero timeout as "wait forever".
            if (options.SqliteBusyTimeout < TimeSpan.FromMilliseconds(1) || options.SqliteBusyTimeout > TimeSpan.FromHours(1))
            {
                failures.Add($"{Section}:SqliteBusyTimeout must be between 00:00:00.001 and 01:00:00, not {options.SqliteBusyTimeout}");
            }
        }
        if (kind == RuleStoreKind.Postgres && ConnectionFileProblem(options.PostgresConnectionFile) is { } problem) failures.Add(problem);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? ConnectionFileProblem(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return $"{PostgresConnectionFile.Key} is required when {Section}:Kind is postgres: "
                + "a file holding the connection string (never put the password on the command line)";
        }
        string text;
        try
        {
            text = PostgresConnectionFile.Read(path);
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
        try
        {
            _ = new NpgsqlConnectionStringBuilder(text);
            return null;
        }
        catch (ArgumentException)
        {
            // The parser's message may quote the text, and the text holds the password.
            return $"{PostgresConnectionFile.Key}: '{path}' does not hold a valid connection string (Host=...;Database=...;Username=...)";
        }
    }
}
