// Reference stub of nanoFramework.System.Device.Gpio 1.1.62 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.Device.Gpio at tag v1.1.62:
//   System.Device.Gpio/PinMode.cs, PinValue.cs (readonly struct, private constructor),
//   System.Device.Gpio/GpioPin.cs (sealed; internal constructor only: pins come from GpioController.OpenPin),
//   System.Device.Gpio/GpioController.cs (sealed).
// Only the members the device app uses plus the constructors and operators that fix each type's shape.
// Signatures only, compiled by the tests into a reference assembly; never shipped.
using System;

namespace System.Device.Gpio
{
    public enum PinMode
    {
        Input,
        InputPullDown,
        InputPullUp,
        Output,
        OutputOpenDrain,
        OutputOpenDrainPullUp,
        OutputOpenSource,
        OutputOpenSourcePullDown,
    }

    public readonly struct PinValue
    {
        private readonly byte _value;
        private PinValue(byte value) { _value = value; }
        public static PinValue High { get { throw null; } }
        public static PinValue Low { get { throw null; } }
        public static implicit operator PinValue(int value) { throw null; }
        public static implicit operator PinValue(bool value) { throw null; }
        public static explicit operator byte(PinValue value) { throw null; }
        public static explicit operator int(PinValue value) { throw null; }
        public static explicit operator bool(PinValue value) { throw null; }
        public bool Equals(PinValue other) { throw null; }
        public override bool Equals(object obj) { throw null; }
        public static bool operator ==(PinValue a, PinValue b) { throw null; }
        public static bool operator !=(PinValue a, PinValue b) { throw null; }
        public override int GetHashCode() { throw null; }
        public override string ToString() { throw null; }
    }

    public sealed class GpioPin : IDisposable
    {
        internal GpioPin(int pinNumber) { }
        public TimeSpan DebounceTimeout { get { throw null; } set { } }
        public int PinNumber { get { throw null; } }
        public PinMode GetPinMode() { throw null; }
        public bool IsPinModeSupported(PinMode pinMode) { throw null; }
        public void SetPinMode(PinMode value) { }
        public PinValue Read() { throw null; }
        public void Write(PinValue value) { }
        public void Toggle() { }
        public void Dispose() { }
    }

    public sealed class GpioController : IDisposable
    {
        public GpioController() { }
        public int PinCount { get { throw null; } }
        public GpioPin OpenPin(int pinNumber) { throw null; }
        public GpioPin OpenPin(int pinNumber, PinMode mode) { throw null; }
        public void ClosePin(int pinNumber) { }
        public bool IsPinOpen(int pinNumber) { throw null; }
        public PinMode GetPinMode(int pinNumber) { throw null; }
        public void SetPinMode(int pinNumber, PinMode mode) { }
        public PinValue Read(int pinNumber) { throw null; }
        public void Write(int pinNumber, PinValue value) { }
        public void Dispose() { }
    }
}
