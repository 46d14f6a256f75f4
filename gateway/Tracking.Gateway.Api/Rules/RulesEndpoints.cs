using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Api.Rules;

/// <summary>The rules API under <c>/api/v1</c> (docs/api.md): GETs open, PUT and POST behind <see cref="OperatorTokenFilter"/>.</summary>
public static class RulesEndpoints
{
    private const string Json = "application/json";

    public static IEndpointRouteBuilder MapRulesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api/v1").WithTags("rules");
        // GETs open or token-checked by fleet scope (docs/api.md, "Tokens and fleets").
        api.AddEndpointFilter<ReadAccessFilter>();

        api.MapGet("/profiles", ProfileEndpoints.ListAsync).WithName("ListProfiles")
            .WithSummary("Stored profiles and presets").Produces<IReadOnlyList<ProfileDto>>(contentType: Json);
        api.MapGet("/profiles/{name}", ProfileEndpoints.GetAsync).WithName("GetProfile")
            .WithSummary("One profile").Produces<ProfileDto>(contentType: Json).ProducesProblem(400).ProducesProblem(404);
        Mutating(api.MapPut("/profiles/{name}", ProfileEndpoints.PutAsync).WithName("PutProfile")
            .WithSummary("Create or replace a profile").Accepts<ProfileDto>(Json).Produces<ProfileDto>(contentType: Json));

        Mutating(api.MapPut("/containers/{container}/profile", ContainerEndpoints.AssignAsync).WithName("AssignProfile")
            .WithSummary("Assign a profile to a container").Accepts<AssignmentDto>(Json).Produces<AssignmentDto>(contentType: Json)
            .ProducesProblem(404));
        api.MapGet("/containers/{container}/summary", ContainerEndpoints.SummaryAsync).WithName("ContainerSummary")
            .WithSummary("The rules engine's live view of a container").Produces<SummaryDto>(contentType: Json)
            .ProducesProblem(400).ProducesProblem(404);
        api.MapGet("/containers/{container}/warnings", ContainerEndpoints.WarningsAsync).WithName("ContainerWarnings")
            .WithSummary("The container's predictive warnings in force").Produces<WarningsDto>(contentType: Json)
            .ProducesProblem(400).ProducesProblem(404);

        Mutating(api.MapPut("/fleets/{fleet}/profile", FleetEndpoints.PutAsync).WithName("AssignFleetProfile")
            .WithSummary("Set a fleet's default profile (for its containers without their own)").Accepts<FleetProfileDto>(Json)
            .Produces<FleetProfileDto>(contentType: Json).ProducesProblem(404));
        api.MapGet("/fleets/{fleet}/profile", FleetEndpoints.GetAsync).WithName("GetFleetProfile")
            .WithSummary("A fleet's default profile").Produces<FleetProfileDto>(contentType: Json).ProducesProblem(400);

        api.MapGet("/alerts", AlertEndpoints.ListAsync).WithName("ListAlerts")
            .WithSummary("Alerts, newest first").Produces<IReadOnlyList<AlertDto>>(contentType: Json).ProducesProblem(400);
        api.MapGet("/alerts/{id}", AlertEndpoints.GetAsync).WithName("GetAlert")
            .WithSummary("One alert").Produces<AlertDto>(contentType: Json).ProducesProblem(400).ProducesProblem(404);
        Mutating(api.MapPost("/alerts/{id}/ack", AlertEndpoints.AcknowledgeAsync).WithName("AcknowledgeAlert")
            .WithSummary("Acknowledge an open alert").Accepts<AcknowledgeDto>(Json).Produces<AlertDto>(contentType: Json)
            .ProducesProblem(404).ProducesProblem(409));

        // Trips (docs/api.md "Trips"): a container's shipments, each with its own budgets, MKT and report.
        Mutating(api.MapPost("/containers/{container}/trips", TripEndpoints.StartAsync).WithName("StartTrip")
            .WithSummary("Start a trip of a container (ending the one in progress)")
            .WithDescription("Body (optional): start (ISO 8601 device time, default now), reference (booking or bill-of-lading number, "
                + "1-64 of letters, digits, space and - _ . / #), fleet. 409 when the start is not after the latest trip's start or "
                + "before its end.")
            .Accepts<TripStartDto>(Json).Produces<TripDto>(StatusCodes.Status201Created, Json).ProducesProblem(404).ProducesProblem(409));
        Mutating(api.MapPost("/containers/{container}/trips/current/end", TripEndpoints.EndAsync).WithName("EndTrip")
            .WithSummary("End the container's trip in progress").WithDescription("Body (optional): end (ISO 8601 device time, default now).")
            .Accepts<TripEndDto>(Json).Produces<TripDto>(contentType: Json).ProducesProblem(404).ProducesProblem(409));
        api.MapGet("/containers/{container}/trips", TripEndpoints.ListAsync).WithName("ListTrips")
            .WithSummary("A container's trips, newest first").Produces<IReadOnlyList<TripDto>>(contentType: Json)
            .ProducesProblem(400).ProducesProblem(404);
        api.MapGet("/containers/{container}/trips/{id}", TripEndpoints.GetAsync).WithName("GetTrip")
            .WithSummary("One trip of a container").Produces<TripDto>(contentType: Json).ProducesProblem(400).ProducesProblem(404);
        return endpoints;
    }

    private static void Mutating(RouteHandlerBuilder route) =>
        route.AddEndpointFilter<OperatorTokenFilter>().WithMetadata(OperatorTokenRequired.Instance).ProducesProblem(400).ProducesProblem(401).ProducesProblem(413)
            .ProducesProblem(415);
}
