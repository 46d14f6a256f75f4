// Reference stub of nanoFramework.Hardware.Esp32 1.6.42 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/nanoFramework.Hardware.Esp32 at tag v1.6.42:
//   nanoFramework.Hardware.Esp32/DeviceTypePins.cs (DeviceTypes, DeviceFunction: every member, values computed
//     from the source's DeviceTypes + n * DeviceIndex(0x100) + k expressions, int-backed as there),
//   nanoFramework.Hardware.Esp32/Configuration.cs (a non-static class with static methods),
//   nanoFramework.Hardware.Esp32/Errors.cs (EspNativeError : Int32),
//   nanoFramework.Hardware.Esp32/Sleep.cs (nested enums as in the source; WakeupGpioPin : UInt64),
//   nanoFramework.Hardware.Esp32/HighResTimer.cs.
// Signatures only, compiled by the tests into a reference assembly; never shipped.
using System;

namespace nanoFramework.Hardware.Esp32
{
    public enum DeviceTypes
    {
        GPIO = 0x00000,
        SPI = 0x10000,
        I2C = 0x20000,
        SERIAL = 0x30000,
        PWM = 0x40000,
        ADC = 0x50000,
        I2S = 0x60000,
        SDMMC = 0x80000,
    }

    public enum DeviceFunction
    {
        SPI1_MOSI = 0x10100,
        SPI1_MISO = 0x10101,
        SPI1_CLOCK = 0x10102,
        SPI2_MOSI = 0x10200,
        SPI2_MISO = 0x10201,
        SPI2_CLOCK = 0x10202,
        I2C1_DATA = 0x20100,
        I2C1_CLOCK = 0x20101,
        I2C2_DATA = 0x20200,
        I2C2_CLOCK = 0x20201,
        COM1_TX = 0x30100,
        COM1_RX = 0x30101,
        COM1_RTS = 0x30102,
        COM1_CTS = 0x30103,
        COM2_TX = 0x30200,
        COM2_RX = 0x30201,
        COM2_RTS = 0x30202,
        COM2_CTS = 0x30203,
        COM3_TX = 0x30300,
        COM3_RX = 0x30301,
        COM3_RTS = 0x30302,
        COM3_CTS = 0x30303,
        COM4_TX = 0x30400,
        COM4_RX = 0x30401,
        COM4_RTS = 0x30402,
        COM4_CTS = 0x30403,
        PWM1 = 0x40100,
        PWM2 = 0x40200,
        PWM3 = 0x40300,
        PWM4 = 0x40400,
        PWM5 = 0x40500,
        PWM6 = 0x40600,
        PWM7 = 0x40700,
        PWM8 = 0x40800,
        PWM9 = 0x40900,
        PWM10 = 0x40A00,
        PWM11 = 0x40B00,
        PWM12 = 0x40C00,
        PWM13 = 0x40D00,
        PWM14 = 0x40E00,
        PWM15 = 0x40F00,
        PWM16 = 0x41000,
        ADC1_CH0 = 0x50100,
        ADC1_CH1 = 0x50101,
        ADC1_CH2 = 0x50102,
        ADC1_CH3 = 0x50103,
        ADC1_CH4 = 0x50104,
        ADC1_CH5 = 0x50105,
        ADC1_CH6 = 0x50106,
        ADC1_CH7 = 0x50107,
        ADC1_CH8 = 0x50108,
        ADC1_CH9 = 0x50109,
        ADC1_CH10 = 0x5010A,
        ADC1_CH11 = 0x5010B,
        ADC1_CH12 = 0x5010C,
        ADC1_CH13 = 0x5010D,
        ADC1_CH14 = 0x5010E,
        ADC1_CH15 = 0x5010F,
        ADC1_CH16 = 0x50110,
        ADC1_CH17 = 0x50111,
        ADC1_CH18 = 0x50112,
        ADC1_CH19 = 0x50113,
        I2S1_MCK = 0x60100,
        I2S1_BCK = 0x60101,
        I2S1_WS = 0x60102,
        I2S1_DATA_OUT = 0x60103,
        I2S1_MDATA_IN = 0x60104,
        I2S2_MCK = 0x60200,
        I2S2_BCK = 0x60201,
        I2S2_WS = 0x60202,
        I2S2_DATA_OUT = 0x60203,
        I2S2_MDATA_IN = 0x60204,
        SDMMC1_CLOCK = 0x80100,
        SDMMC1_COMMAND = 0x80101,
        SDMMC1_D0 = 0x80102,
        SDMMC1_D1 = 0x80103,
        SDMMC1_D2 = 0x80104,
        SDMMC1_D3 = 0x80105,
        SDMMC2_CLOCK = 0x80200,
        SDMMC2_COMMAND = 0x80201,
        SDMMC2_D0 = 0x80202,
        SDMMC2_D1 = 0x80203,
        SDMMC2_D2 = 0x80204,
        SDMMC2_D3 = 0x80205,
    }

    public class Configuration
    {
        public static void SetPinFunction(int pin, DeviceFunction value) { }
        public static int GetFunctionPin(DeviceFunction function) { throw null; }
    }

    public enum EspNativeError : int
    {
        OK = 0,
        FAIL = -1,
        NO_MEM = 0x101,
        INVALID_ARG = 0x102,
        INVALID_STATE = 0x103,
        INVALID_SIZE = 0x104,
        NOT_FOUND = 0x105,
        NOT_SUPPORTED = 0x106,
        TIMEOUT = 0x107,
        INVALID_RESPONSE = 0x108,
        INVALID_CRC = 0x109,
        INVALID_VERSION = 0x10A,
        INVALID_MAC = 0x10B,
        WIFI_BASE = 0x3000,
    }

    public class Sleep
    {
        public enum WakeupMode { AllLow = 0, AnyHigh = 1 }

        public enum WakeupCause { Undefined = 0, Ext0 = 2, Ext1, Timer, TouchPad, Ulp, Gpio, Uart, Wifi, CoCpu, CoCpuTrapTrig, Bt }

        [Flags]
        public enum WakeupGpioPin : ulong
        {
            None = 0,
            Pin0 = 1,
            Pin1 = 1UL << 1, Pin2 = 1UL << 2, Pin3 = 1UL << 3, Pin4 = 1UL << 4, Pin5 = 1UL << 5, Pin6 = 1UL << 6,
            Pin7 = 1UL << 7, Pin8 = 1UL << 8, Pin9 = 1UL << 9, Pin10 = 1UL << 10, Pin11 = 1UL << 11, Pin12 = 1UL << 12,
            Pin13 = 1UL << 13, Pin14 = 1UL << 14, Pin15 = 1UL << 15, Pin16 = 1UL << 16, Pin17 = 1UL << 17,
            Pin18 = 1UL << 18, Pin19 = 1UL << 19, Pin20 = 1UL << 20, Pin21 = 1UL << 21, Pin25 = 1UL << 25,
            Pin26 = 1UL << 26, Pin27 = 1UL << 27, Pin32 = 1UL << 32, Pin33 = 1UL << 33, Pin34 = 1UL << 34,
            Pin35 = 1UL << 35, Pin36 = 1UL << 36, Pin37 = 1UL << 37, Pin38 = 1UL << 38, Pin39 = 1UL << 39,
        }

        public enum WakeUpPort { COM1 = 0, COM2 = 1 }

        public static EspNativeError EnableWakeupByTimer(TimeSpan time) { throw null; }
        public static EspNativeError EnableWakeupByPin(WakeupGpioPin pin, int level) { throw null; }
        public static EspNativeError EnableWakeupByMultiPins(WakeupGpioPin pins, WakeupMode mode) { throw null; }
        public static EspNativeError StartLightSleep() { throw null; }
        public static void StartDeepSleep() { }
        public static WakeupCause GetWakeupCause() { throw null; }
        public static WakeupGpioPin GetWakeupGpioPin() { throw null; }
    }

    public delegate void HighResTimerExpiredEventHandler(HighResTimer sender, object e);

    public class HighResTimer : IDisposable
    {
        public HighResTimer() { }
        public event HighResTimerExpiredEventHandler OnHighResTimerExpired { add { } remove { } }
        public static ulong GetCurrent() { throw null; }
        public void Stop() { }
        public void StartOneShot(ulong timeout_us) { }
        public void StartOnePeriodic(ulong period_us) { }
        public void Dispose() { }
    }
}
