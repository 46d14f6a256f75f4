using Microsoft.AspNetCore.Routing;

namespace Tracking.Gateway.Api.Reports;

/// <summary>The trip report endpoint, mapped beside the rules API (its own group: its own file to change).</summary>
internal sealed class ReportEndpointGroup : IApiEndpointGroup
{
    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapReportEndpoints();
}
