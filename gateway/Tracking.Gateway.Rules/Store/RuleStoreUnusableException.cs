namespace Tracking.Gateway.Rules.Store;

/// <summary>The configured rule store cannot be opened (its file or directory, or the database server); the host exits.</summary>
public sealed class RuleStoreUnusableException(string message, string? path, Exception inner) : Exception(message, inner)
{
    /// <summary>The SQLite file, when the store is one.</summary>
    public string? Path { get; } = path;
}
