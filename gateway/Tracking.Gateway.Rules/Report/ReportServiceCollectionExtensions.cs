using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Rules.Report;

/// <summary>Registers the trip report's options; the host adds the <see cref="IReadingHistory"/> it reads from.</summary>
public static class ReportServiceCollectionExtensions
{
    public static IServiceCollection AddTripReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportOptions>().Bind(configuration.GetSection(ReportOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportOptions>, ReportOptionsValidator>());
        return services;
    }
}
