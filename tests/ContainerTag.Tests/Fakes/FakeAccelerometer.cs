using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

public sealed class FakeAccelerometer : IAccelerometer
{
    public double NextPeak = 0.12;
    public double ArmedThreshold = double.NaN;

    public double ReadPeakG()
    {
        var p = NextPeak;
        NextPeak = 0.05;
        return p;
    }

    public void ArmWake(double thresholdG) => ArmedThreshold = thresholdG;
}
