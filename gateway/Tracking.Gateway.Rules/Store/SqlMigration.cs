namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// One step of a store's schema: applied once, in its own transaction, and recorded in <c>schema_version</c>. Steps are
/// never edited once released; a change of schema is a new step with the next version.
/// </summary>
public sealed record SqlMigration(int Version, string Description, string Sql);
