using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live.Dto;

namespace Tracking.Gateway.Api.Live;

/// <summary>The live API under <c>/api/v1</c> (docs/api.md): the fleet list, a container's history and air legs, the event stream. All GETs.</summary>
public static class LiveEndpoints
{
    private const string Json = "application/json";

    public static IEndpointRouteBuilder MapLiveEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api/v1").WithTags("live");
        api.AddEndpointFilter<ReadAccessFilter>();
        api.MapGet("/containers", ContainerListEndpoint.List).WithName("ListContainers")
            .WithSummary("Every container's latest reading, state, alerts, profile and tags; filtered, sorted, paged")
            .Produces<ContainerPageDto>(contentType: Json).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
        api.MapGet("/containers/{container}/readings", ReadingsEndpoint.GetAsync).WithName("ContainerReadings")
            .WithSummary("A container's readings downsampled to at most max_points buckets (min, max, mean)")
            .Produces<ReadingsDto>(contentType: Json).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .ProducesProblem(503);
        api.MapGet("/containers/{container}/legs", LegsEndpoint.GetAsync).WithName("ContainerLegs")
            .WithSummary("A container's air legs over a range, found by the rules' detector in each tag's pressure (as the trip report)")
            .Produces<LegsDto>(contentType: Json).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .ProducesProblem(503);
        api.MapGet("/stream", StreamEndpoint.StreamAsync).WithName("Stream")
            .WithSummary("Server-Sent Events: readings, states, alerts, warnings, profiles, tag statuses; resumable with Last-Event-ID")
            .Produces<string>(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
        return endpoints;
    }
}
