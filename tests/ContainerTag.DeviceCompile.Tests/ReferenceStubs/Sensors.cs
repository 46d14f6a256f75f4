// Reference stubs of nanoFramework.Iot.Device.Bmxx80 1.2.x and nanoFramework.Iot.Device.Adxl343 1.0.x
// (github.com/nanoframework/nanoFramework.IoT.Device: devices/Bmxx80/Bme280.cs, Bmx280Base.cs, Bmxx80Base.cs,
// Sampling.cs, FilteringMode/Bmx280FilteringMode.cs, ReadResult/Bme280ReadResult.cs, Bmp280ReadResult.cs;
// devices/Adxl343/ADXL343.cs, GravityRange.cs, OutputDataRate.cs, WakeUpBits.cs), the UnitsNet.nanoFramework
// 5.75.0 quantities they return (github.com/angularsen/UnitsNet: UnitsNet.NanoFramework/GeneratedCode/Quantities/
// Temperature.g.cs, RelativeHumidity.g.cs, Pressure.g.cs, Mass.g.cs) and nanoFramework.System.Numerics
// (System.Numerics.Vector3 with public float fields X, Y, Z).
using System;
using System.Device.I2c;
using Iot.Device.Bmxx80.FilteringMode;
using Iot.Device.Bmxx80.ReadResult;
using UnitsNet;

namespace UnitsNet
{
    public struct Temperature { public double DegreesCelsius { get { throw null; } } }
    public struct RelativeHumidity { public double Percent { get { throw null; } } }
    public struct Pressure { public double Hectopascals { get { throw null; } } }
    public struct Mass
    {
        public double Milligrams { get { throw null; } }
        public static Mass FromMilligrams(double milligrams) { throw null; }
    }
}

namespace System.Numerics
{
    public struct Vector3
    {
        public float X;
        public float Y;
        public float Z;
        public Vector3(float x, float y, float z) { X = x; Y = y; Z = z; }
    }
}

namespace Iot.Device.Bmxx80
{
    public enum Sampling : byte { Skipped = 0, UltraLowPower = 1, LowPower = 2, Standard = 3, HighResolution = 4, UltraHighResolution = 5 }

    public abstract class Bmxx80Base : IDisposable
    {
        public Sampling PressureSampling { get { throw null; } set { } }
        public Sampling TemperatureSampling { get { throw null; } set { } }
        public void Dispose() { }
    }

    public abstract class Bmx280Base : Bmxx80Base
    {
        public const byte DefaultI2cAddress = 0x77;
        public const byte SecondaryI2cAddress = 0x76;
        public Bmx280FilteringMode FilterMode { get { throw null; } set { } }
        public void SetPowerMode(Iot.Device.Bmxx80.PowerMode.Bmx280PowerMode powerMode) { }
    }

    public class Bme280 : Bmx280Base
    {
        public Bme280(I2cDevice i2cDevice) { }
        public Sampling HumiditySampling { get { throw null; } set { } }
        public Bme280ReadResult Read() { throw null; }
    }
}

namespace Iot.Device.Bmxx80.PowerMode
{
    public enum Bmx280PowerMode : byte { Sleep = 0, Forced = 2, Normal = 3 }
}

namespace Iot.Device.Bmxx80.FilteringMode
{
    public enum Bmx280FilteringMode : byte { Off = 0, X2 = 1, X4 = 2, X8 = 3, X16 = 4 }
}

namespace Iot.Device.Bmxx80.ReadResult
{
    public class Bmp280ReadResult
    {
        public Temperature Temperature { get { throw null; } }
        public bool TemperatureIsValid { get { throw null; } }
        public Pressure Pressure { get { throw null; } }
        public bool PressureIsValid { get { throw null; } }
    }

    public class Bme280ReadResult : Bmp280ReadResult
    {
        public RelativeHumidity Humidity { get { throw null; } }
        public bool HumidityIsValid { get { throw null; } }
    }
}

namespace Iot.Device.Adxl343Lib
{
    public enum GravityRange : byte { Range02 = 0, Range04 = 1, Range08 = 2, Range16 = 3 }

    public enum OutputDataRate : byte
    {
        Frequency0Hz10 = 0, Frequency25Hz = 8, Frequency50Hz = 9, Frequency100Hz = 10, Frequency200Hz = 11,
        Frequency400Hz = 12, Frequency800Hz = 13, Frequency1600Hz = 14, Frequency3200Hz = 15
    }

    public enum WakeUpBits : byte { Frequency8 = 0, Frequency4 = 1, Frequency2 = 2, Frequency1 = 3 }

    public class Adxl343
    {
        public Adxl343(I2cDevice i2cDevice, GravityRange gravityRange) { }
        public bool TrySetThresholdTap(Mass threshTap) { throw null; }
        public bool TrySetThresholdActivity(Mass thresholdDetect) { throw null; }
        public bool TrySetActiveInactiveControl(bool actAcDc, bool actXEnable, bool actYEnable, bool actZEnable, bool inactAcDc, bool inactXEnable, bool inactYEnable, bool inactZEnable) { throw null; }
        public bool TrySetBWRates(bool lowPower, OutputDataRate rate) { throw null; }
        public bool TrySetPowerControl(bool link, bool autoSleep, bool measure, bool sleep, WakeUpBits wakeUp) { throw null; }
        public bool TrySetInterruptEnable(ref bool dataReady, ref bool singleTap, ref bool doubleTap, ref bool activity, ref bool inactivity, ref bool freeFall, ref bool watermark, ref bool overrun) { throw null; }
        public bool TrySetInterruptMap(ref bool dataReady, ref bool singleTap, ref bool doubleTap, ref bool activity, ref bool inactivity, ref bool freeFall, ref bool watermark, ref bool overrun) { throw null; }
        public bool TrySetDataFormat(bool selfTest, bool spi, bool intInvert, bool fullRes, bool justify, GravityRange range) { throw null; }
        public bool TryGetAcceleration(ref System.Numerics.Vector3 accel) { throw null; }
    }
}
