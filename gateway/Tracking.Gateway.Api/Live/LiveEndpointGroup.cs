using Microsoft.AspNetCore.Routing;

namespace Tracking.Gateway.Api.Live;

/// <summary>The live endpoints (the OpenAPI document is mapped by the rules group).</summary>
internal sealed class LiveEndpointGroup : IApiEndpointGroup
{
    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapLiveEndpoints();
}
