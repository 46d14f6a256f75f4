namespace ContainerTag.Core.Energy
{
    /// <summary>
    /// Estimates battery life: remaining charge from the cell voltage (1S Li-ion resting curve) and the
    /// average current the duty cycle draws (sleep currents, awake time per wake, radio time per report).
    /// </summary>
    public class BatteryModel
    {
        // Resting voltage -> state of charge for one Li-ion cell (typical LiCoO2/NMC discharge curve at
        // low current; good to about 10 %). Pairs, descending voltage.
        private static readonly double[] CurveVolts = new double[] { 4.20, 4.10, 4.00, 3.90, 3.80, 3.70, 3.60, 3.50, 3.40, 3.30 };
        private static readonly double[] CurveCharge = new double[] { 1.00, 0.90, 0.78, 0.65, 0.50, 0.32, 0.15, 0.06, 0.02, 0.00 };

        private readonly double _capacityMah;

        public BatteryModel(double capacityMah)
        {
            _capacityMah = capacityMah;
        }

        public double CapacityMah { get { return _capacityMah; } }

        /// <summary>0..1 from the cell voltage; NaN when the voltage is unknown.</summary>
        public static double StateOfCharge(double volts)
        {
            if (double.IsNaN(volts))
            {
                return double.NaN;
            }
            if (volts >= CurveVolts[0])
            {
                return 1.0;
            }
            for (int i = 1; i < CurveVolts.Length; i++)
            {
                if (volts >= CurveVolts[i])
                {
                    double f = (volts - CurveVolts[i]) / (CurveVolts[i - 1] - CurveVolts[i]);
                    return CurveCharge[i] + f * (CurveCharge[i - 1] - CurveCharge[i]);
                }
            }
            return 0.0;
        }

        /// <summary>
        /// Average current in mA of a duty cycle: one wake every sampleS seconds costing awakeMsPerWake
        /// of CPU time with the radio off, one report every reportS seconds costing radioMsPerReport of
        /// radio-on time.
        /// </summary>
        public static double AverageCurrentMa(int sampleS, int reportS, double awakeMsPerWake, double radioMsPerReport)
        {
            double wakesPerS = 1.0 / sampleS;
            double reportsPerS = 1.0 / reportS;
            double cpuMaS = wakesPerS * awakeMsPerWake / 1000.0 * EnergyConstants.ActiveCpuMa;
            double radioMaS = reportsPerS * radioMsPerReport / 1000.0 * EnergyConstants.RadioOnMa;
            return EnergyConstants.SleepTotalMa + cpuMaS + radioMaS;
        }

        /// <summary>Charge in mAh used by the measured times (the radio time is part of the awake time).</summary>
        public static double ConsumedMah(long sleepMs, long awakeMs, long radioMs)
        {
            double mAms = sleepMs * EnergyConstants.SleepTotalMa + awakeMs * EnergyConstants.ActiveCpuMa
                + radioMs * (EnergyConstants.RadioOnMa - EnergyConstants.ActiveCpuMa);
            return mAms / 3600000.0;
        }

        /// <summary>Days left at the given average current; -1 when the voltage is unknown.</summary>
        public int LifeDays(double volts, double averageMa)
        {
            double soc = StateOfCharge(volts);
            if (double.IsNaN(soc) || averageMa <= 0)
            {
                return -1;
            }
            double days = _capacityMah * soc / averageMa / 24.0;
            return days > 36500 ? 36500 : (int)days;
        }
    }
}
