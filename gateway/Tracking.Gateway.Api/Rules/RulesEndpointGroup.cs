using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Tracking.Gateway.Api.Rules;

/// <summary>The rules endpoints and the OpenAPI document describing them (<c>/openapi/v1.json</c>).</summary>
internal sealed class RulesEndpointGroup : IApiEndpointGroup
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRulesEndpoints();
        endpoints.MapOpenApi();
    }
}
