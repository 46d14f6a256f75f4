namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// The database cannot be used by this gateway: its schema is newer than the code knows (a newer gateway migrated it), or
/// a migration step failed. The database is left as it was.
/// </summary>
public sealed class RuleStoreSchemaException : Exception
{
    public RuleStoreSchemaException(string message)
        : base(message)
    {
    }

    public RuleStoreSchemaException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
