using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Tracking.Gateway.Clock;

public static class ClockServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="GatewayClock"/> as the <see cref="TimeProvider"/> of every room: call before AddIngest,
    /// AddRules and the others, which add <c>TimeProvider.System</c> only when none is registered. The <c>Clock</c> section
    /// is checked at start; afterwards each reload of <paramref name="configuration"/> (the <c>--config</c> file changed)
    /// steps the clock to the new offset. The reload is bound and checked here rather than through an options monitor,
    /// whose change callback would throw on an invalid value on the file watcher's thread.
    /// </summary>
    public static IServiceCollection AddGatewayClock(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClockOptions>().Configure(o => configuration.GetSection(ClockOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClockOptions>, ClockOptionsValidator>();
        services.AddSingleton(sp =>
        {
            // Bound here, not through IOptions: the host resolves the clock while it is built, before ValidateSettings, which
            // is where a bad offset must stop the start with its one line (the clock then never runs).
            IConfigurationSection section = configuration.GetSection(ClockOptions.SectionName);
            var initial = new ClockOptions();
            try
            {
                section.Bind(initial);
                initial.Validate();
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                initial.Offset = TimeSpan.Zero;
            }

            var clock = new GatewayClock(TimeProvider.System, initial.Offset, sp.GetRequiredService<ILogger<GatewayClock>>());
            ChangeToken.OnChange(configuration.GetReloadToken, () => clock.Reload(section));
            return clock;
        });
        services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<GatewayClock>());
        return services;
    }
}
