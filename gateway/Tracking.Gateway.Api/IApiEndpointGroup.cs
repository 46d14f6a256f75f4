using Microsoft.AspNetCore.Routing;

namespace Tracking.Gateway.Api;

/// <summary>A set of endpoints a registration method of this room adds (the rules API with <c>AddRulesApi</c>).</summary>
internal interface IApiEndpointGroup
{
    void Map(IEndpointRouteBuilder endpoints);
}
