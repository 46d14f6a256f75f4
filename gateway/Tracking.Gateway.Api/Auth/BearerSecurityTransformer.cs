using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tracking.Gateway.Api.Auth;

/// <summary>
/// Declares the operator token in the OpenAPI document: an HTTP bearer security scheme <c>operatorToken</c> in the
/// components, required by each operation whose endpoint carries <see cref="OperatorTokenRequired"/> (the PUTs and
/// POSTs). GETs stay without a requirement: they are open (docs/api.md, "Access").
/// </summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemeName = "operatorToken";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An operator token of the gateway's --api-token-file (one per line): Authorization: Bearer <token>.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<OperatorTokenRequired>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        }
        return Task.CompletedTask;
    }
}
