namespace ContainerTag.Core.Hardware
{
    /// <summary>ADXL343 (or a simulated one): the shock sensor.</summary>
    public interface IAccelerometer
    {
        /// <summary>
        /// Peak dynamic acceleration (gravity removed), as the vector magnitude of the three axes in g,
        /// since the previous call, including the event that woke the tag. Resets the peak.
        /// double.NaN when the sensor cannot be read.
        /// </summary>
        double ReadPeakG();

        /// <summary>
        /// Arms the hardware wake-on-shock interrupt at the given threshold (g). Called on every wake
        /// before the tag goes back to sleep, so a changed configuration takes effect.
        /// </summary>
        void ArmWake(double thresholdG);
    }
}
