// Reference stub of nanoFramework.System.Device.Adc 1.1.24 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.Device.Adc at tag v1.1.24:
//   System.Device.Adc/AdcControllerBase.cs, AdcController.cs, AdcChannelBase.cs,
//   System.Device.Adc/AdcChannel.cs (internal constructor only: channels come from AdcController.OpenChannel),
//   System.Device.Adc/AdcChannelMode.cs.
// Signatures only, compiled by the tests into a reference assembly; never shipped.
using System;

namespace System.Device.Adc
{
    public enum AdcChannelMode { SingleEnded = 0, Differential }

    public abstract class AdcControllerBase
    {
        public abstract bool IsChannelModeSupported(AdcChannelMode channelMode);
        public abstract AdcChannel OpenChannel(int channelNumber);
        public abstract int ChannelCount { get; }
        public abstract AdcChannelMode ChannelMode { get; set; }
        public abstract int MaxValue { get; }
        public abstract int MinValue { get; }
        public abstract int ResolutionInBits { get; }
    }

    public class AdcController : AdcControllerBase
    {
        public AdcController() { }
        public override int ChannelCount { get { throw null; } }
        public override AdcChannelMode ChannelMode { get { throw null; } set { } }
        public override int MaxValue { get { throw null; } }
        public override int MinValue { get { throw null; } }
        public override int ResolutionInBits { get { throw null; } }
        public override bool IsChannelModeSupported(AdcChannelMode channelMode) { throw null; }
        public override AdcChannel OpenChannel(int channelNumber) { throw null; }
    }

    public abstract class AdcChannelBase
    {
        public abstract int ReadValue();
        public double ReadRatio() { throw null; }
        public AdcController Controller { get { throw null; } }
    }

    public class AdcChannel : AdcChannelBase, IDisposable
    {
        internal AdcChannel(AdcController controller, int channelNumber) { }
        public override int ReadValue() { throw null; }
        public void Dispose() { }
    }
}
