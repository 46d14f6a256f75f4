using System.Globalization;
using System.Text;
using ContainerTag.Core.Energy;
using ContainerTag.Core.Protocol;

namespace Tracking.Hardware;

/// <summary>
/// hardware/power-budget.md, computed from ContainerTag.Core's energy model (EnergyConstants, BatteryModel) and
/// the firmware's default configuration, so the document shows exactly what the firmware's life_d and the
/// firmware benchmark compute. A test compares the committed file with this text.
/// </summary>
public static class PowerBudget
{
    /// <summary>The cell the field build uses (bom.csv) and the firmware benchmark reports against.</summary>
    public const double CellMah = 3000;

    public static string Render()
    {
        var cfg = new TagConfig();
        int sample = cfg.SampleS, report = cfg.ReportS;
        double awakeMs = EnergyConstants.DefaultAwakeMsPerWake, radioMs = EnergyConstants.DefaultRadioMsPerReport;
        double avgMa = BatteryModel.AverageCurrentMa(sample, report, awakeMs, radioMs);
        double wakesPerDay = 86400.0 / sample, reportsPerDay = 86400.0 / report;
        double sleepMahDay = EnergyConstants.SleepTotalMa * 24;
        double cpuMahDay = wakesPerDay * awakeMs / 3_600_000.0 * EnergyConstants.ActiveCpuMa;
        double radioMahDay = reportsPerDay * radioMs / 3_600_000.0 * EnergyConstants.RadioOnMa;
        double mahDay = avgMa * 24;
        double awakeFraction = (wakesPerDay * awakeMs + reportsPerDay * radioMs) / 86_400_000.0;
        var battery = new BatteryModel(CellMah);

        var md = new StringBuilder();
        void L(string line = "") => md.Append(line).Append('\n');
        L("# Power budget of one tag");
        L();
        L("<!-- Generated from ContainerTag.Core's energy model by");
        L("     dotnet run --project hardware/Tracking.Hardware -- power-budget hardware/power-budget.md");
        L("     Edit firmware/ContainerTag.Core/Energy/EnergyConstants.cs, not this file; a test fails when they disagree. -->");
        L();
        L("Every number below comes from `firmware/ContainerTag.Core/Energy` (`EnergyConstants`, `BatteryModel`),");
        L("the model the firmware uses for `life_d` in its status and the firmware benchmark");
        L("(`dotnet run -c Release --project bench/Tracking.Bench -- firmware`) uses with awake times measured in a");
        L("simulator run. Datasheet values are typical at 25 °C; measure a built tag (README, step 9) and replace them.");
        L();
        L("## Current of each state");
        L();
        L("| part, state | current | source |");
        L("| --- | ---: | --- |");
        L($"| ESP32 deep sleep (RTC timer + ext0 wake pin) | {F(EnergyConstants.Esp32DeepSleepUa)} µA | Espressif ESP32 datasheet, power consumption by power modes |");
        L($"| ADXL343 measuring for wake-on-shock (low-power mode, 100 Hz, activity interrupt on INT1) | {F(EnergyConstants.Adxl343MeasuringUa)} µA | Analog Devices ADXL343 datasheet, supply current vs. output data rate (standby 0.1 µA) |");
        L($"| BME280 sleep mode between forced measurements | {F(EnergyConstants.Bme280SleepUa)} µA | Bosch BST-BME280-DS002, table 1, I_DDSL |");
        L($"| board: LDO quiescent + switched-off battery divider leakage + margin | {F(EnergyConstants.BoardQuiescentUa)} µA | RT9080 I_Q 2 µA typ.; P-MOSFET off-state leakage well under 1 µA; the rest is margin |");
        L($"| **all parts asleep** | **{F(EnergyConstants.SleepTotalMa * 1000)} µA** | sum |");
        L($"| ESP32 awake, radio off (CPU at 80-160 MHz; BME280 forced measurement, ADC read) | {F(EnergyConstants.ActiveCpuMa)} mA | ESP32 datasheet: 20-68 mA |");
        L($"| ESP32 with Wi-Fi on (association, DHCP, MQTT session; TX peaks 190-240 mA, RX 95-100 mA) | {F(EnergyConstants.RadioOnMa)} mA | ESP32 datasheet, RF power consumption; session average |");
        L();
        L("The battery divider draws V_bat / 200 kΩ ≈ 20 µA only while switched on (a few ms per wake), so its");
        L("on-current is inside the awake budget; switched off it leaks only through the P-MOSFET.");
        L();
        L("## Duty cycle of the default configuration");
        L();
        L($"- sample every {sample} s ({F(wakesPerDay)} wakes a day), {F(awakeMs)} ms awake per wake with the radio off");
        L($"- report every {report} s ({F(reportsPerDay)} reports a day), {F(radioMs)} ms with Wi-Fi on per report");
        L($"- awake {F(awakeFraction * 100, 3)} % of the time, asleep the rest");
        L();
        L("| where the charge goes | mAh/day | share |");
        L("| --- | ---: | ---: |");
        L($"| sleep ({F(EnergyConstants.SleepTotalMa * 1000)} µA × 24 h) | {F(sleepMahDay, 3)} | {F(sleepMahDay / mahDay * 100)} % |");
        L($"| awake, radio off ({F(wakesPerDay)} × {F(awakeMs)} ms × {F(EnergyConstants.ActiveCpuMa)} mA) | {F(cpuMahDay, 3)} | {F(cpuMahDay / mahDay * 100)} % |");
        L($"| Wi-Fi reports ({F(reportsPerDay)} × {F(radioMs)} ms × {F(EnergyConstants.RadioOnMa)} mA) | {F(radioMahDay, 3)} | {F(radioMahDay / mahDay * 100)} % |");
        L($"| **total** | **{F(mahDay, 3)}** | 100 % |");
        L();
        L("## Battery life");
        L();
        L($"- average current (`BatteryModel.AverageCurrentMa({sample}, {report}, {F(awakeMs)}, {F(radioMs)})`): **{F(avgMa * 1000)} µA** = {F(mahDay, 2)} mAh/day");
        L($"- full {F(CellMah)} mAh cell, no self-discharge or cold derating: **{F(CellMah / mahDay, 0)} days**");
        L($"- what the tag reports as `life_d` at a resting 4.0 V ({F(BatteryModel.StateOfCharge(4.0) * 100, 0)} % charge): {battery.LifeDays(4.0, avgMa)} days");
        L();
        L("## Cargo temperature and self-discharge");
        L();
        L("Radio time is counted only in report sessions (one per report interval), as the firmware now does.");
        L($"Self-discharge {F(CellDerating.SelfDischargePerMonth * 100)} % of the rated capacity a month, and the usable capacity of the");
        L("Samsung INR18650-30Q (bom.csv) at the cargo temperature, are **assumptions**: the 30Q datasheet's");
        L("capacity-vs-temperature curve could not be retrieved, so the points below are typical Li-ion values;");
        L("replace them (hardware/Tracking.Hardware/CellDerating.cs) with the datasheet curve or a measurement.");
        L();
        L("| cargo temperature | usable capacity (assumed) | life, full cell |");
        L("| ---: | ---: | ---: |");
        foreach (double t in new[] { 25.0, 5.0, -18.0 })
        {
            L($"| {F(t)} °C | {F(CellDerating.CapacityFraction(t) * 100, 0)} % | {F(CellDerating.LifeDays(CellMah, mahDay, t), 0)} days |");
        }
        L();
        L("The Wi-Fi sessions dominate: reporting every 4 hours instead of hourly, or a network that associates");
        L("faster, buys more life than any sleep-current saving. Li-ion loses 2-3 % a month on the shelf and");
        L("much of its capacity below 0 °C: plan battery swaps with a margin over these figures (reefer");
        L("containers run at −25 °C: choose a cell rated for it there).");
        return md.ToString();
    }

    private static string F(double v, int decimals = 1) =>
        v.ToString(decimals == 0 ? "0" : "0." + new string('#', decimals), CultureInfo.InvariantCulture);
}
