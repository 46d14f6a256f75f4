namespace Tracking.Gateway.Api.Live;

/// <summary>
/// A checked <c>GET /api/v1/containers</c> request: fleet (null: all the caller may see), states as a bit mask of
/// <see cref="LiveState"/> (0: all), text to find in the container or a tag id (case-insensitive), order, 1-based page.
/// </summary>
public sealed record ContainerQuery(string? Fleet, int StateMask, string? Text, ContainerSort Sort, bool Descending, int Page, int PageSize);
