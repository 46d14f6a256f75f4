// Reference stubs of nanoFramework.Hardware.Esp32 1.6.42 (github.com/nanoframework/nanoFramework.Hardware.Esp32:
// nanoFramework.Hardware.Esp32/Configuration.cs, DeviceTypePins.cs, Sleep.cs, Errors.cs, HighResTimer.cs).
// Only the members the device app uses; enum values as in the source.
using System;

namespace nanoFramework.Hardware.Esp32
{
    public enum DeviceFunction
    {
        I2C1_DATA = 0x0200, // numeric values here are placeholders; only the names are checked
        I2C1_CLOCK = 0x0201,
        ADC1_CH6 = 0x0506,
    }

    public static class Configuration
    {
        public static void SetPinFunction(int pin, DeviceFunction value) { }
        public static int GetFunctionPin(DeviceFunction function) { throw null; }
    }

    public enum EspNativeError : int { OK = 0, FAIL = -1 }

    public class Sleep
    {
        public enum WakeupCause { Undefined = 0, Ext0 = 2, Ext1, Timer, TouchPad, Ulp, Gpio, Uart, Wifi, CoCpu, CoCpuTrapTrig, Bt }

        [Flags]
        public enum WakeupGpioPin : ulong
        {
            None = 0, Pin0 = 1, Pin2 = 1UL << 2, Pin4 = 1UL << 4, Pin12 = 1UL << 12, Pin13 = 1UL << 13,
            Pin14 = 1UL << 14, Pin15 = 1UL << 15, Pin25 = 1UL << 25, Pin26 = 1UL << 26, Pin27 = 1UL << 27,
            Pin32 = 1UL << 32, Pin33 = 1UL << 33, Pin34 = 1UL << 34, Pin35 = 1UL << 35, Pin36 = 1UL << 36,
            Pin37 = 1UL << 37, Pin38 = 1UL << 38, Pin39 = 1UL << 39
        }

        public static EspNativeError EnableWakeupByTimer(TimeSpan time) { throw null; }
        public static EspNativeError EnableWakeupByPin(WakeupGpioPin pin, int level) { throw null; }
        public static void StartDeepSleep() { }
        public static WakeupCause GetWakeupCause() { throw null; }
    }

    public class HighResTimer : IDisposable
    {
        public static ulong GetCurrent() { throw null; }
        public void Dispose() { }
    }
}
