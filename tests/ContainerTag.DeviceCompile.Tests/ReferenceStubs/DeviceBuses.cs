// Reference stubs of nanoFramework.System.Device.I2c 1.1.29 (github.com/nanoframework/System.Device.I2c:
// System.Device.I2c/I2cDevice.cs, I2cConnectionSettings.cs), nanoFramework.System.Device.Gpio 1.1.62
// (github.com/nanoframework/System.Device.Gpio: System.Device.Gpio/GpioController.cs, GpioPin.cs, PinMode.cs,
// PinValue.cs) and nanoFramework.System.Device.Adc 1.1.24 (github.com/nanoframework/System.Device.Adc:
// System.Device.Adc/AdcController.cs, AdcChannel.cs).
using System;

namespace System.Device.I2c
{
    public class I2cConnectionSettings
    {
        public I2cConnectionSettings(int busId, int deviceAddress) { }
    }

    public class I2cDevice : IDisposable
    {
        public static I2cDevice Create(I2cConnectionSettings settings) { throw null; }
        // firmware-defects (issue 10 s.2): System.Device.I2c v1.1.29 I2cDevice.cs
        public I2cTransferResult Write(SpanByte buffer) { throw null; }
        public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) { throw null; }
        public void Dispose() { }
    }
}

namespace System.Device.Gpio
{
    public enum PinMode { Input, InputPullDown, InputPullUp, Output, OutputOpenDrain, OutputOpenDrainPullUp, OutputOpenSource, OutputOpenSourcePullDown }

    public readonly struct PinValue
    {
        public static PinValue High { get { throw null; } }
        public static PinValue Low { get { throw null; } }
        public static implicit operator PinValue(int value) { throw null; }
        public static implicit operator PinValue(bool value) { throw null; }
    }

    public class GpioPin : IDisposable
    {
        public void Write(PinValue value) { }
        public PinValue Read() { throw null; }
        public void Dispose() { }
    }

    public class GpioController : IDisposable
    {
        public GpioController() { }
        public GpioPin OpenPin(int pinNumber) { throw null; }
        public GpioPin OpenPin(int pinNumber, PinMode mode) { throw null; }
        public void ClosePin(int pinNumber) { }
        public void Dispose() { }
    }
}

namespace System.Device.Adc
{
    public class AdcChannel : IDisposable
    {
        public int ReadValue() { throw null; }
        public void Dispose() { }
    }

    public class AdcController
    {
        public AdcController() { }
        public int MaxValue { get { throw null; } }
        public int MinValue { get { throw null; } }
        public int ResolutionInBits { get { throw null; } }
        public AdcChannel OpenChannel(int channelNumber) { throw null; }
    }
}

// ---- Added by the firmware-defects branch (issue 10 section 2): the I2cDevice members the ADXL343 register
// bus uses, from System.Device.I2c v1.1.29: System.Device.I2c/I2cDevice.cs (Write(SpanByte),
// WriteRead(SpanByte, SpanByte)), I2cTransferResult.cs, I2cTransferStatus.cs.
namespace System.Device.I2c
{
    public struct I2cTransferResult
    {
        public uint BytesTransferred { get { throw null; } }
        public I2cTransferStatus Status { get { throw null; } }
    }

    public enum I2cTransferStatus
    {
        UnknownError,
        FullTransfer,
        ClockStretchTimeout,
        PartialTransfer,
        SlaveAddressNotAcknowledged,
    }
}
