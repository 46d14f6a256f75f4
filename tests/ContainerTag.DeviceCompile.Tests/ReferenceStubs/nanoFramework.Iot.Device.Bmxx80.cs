// Reference stub of nanoFramework.Iot.Device.Bmxx80 1.2.1016 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/nanoFramework.IoT.Device. That repository's tags (v1.9 ... v1.13) are not package
// versions (each binding is versioned by Nerdbank.GitVersioning per directory), so no tag names 1.2.1016; read at
// the newest stored commit, 122ebb1a (2026-01-08; last change to devices/Bmxx80 at 2553c572, 2025-11-10), whose
// devices/Bmxx80/Bmxx80.nuspec lists the same dependency versions as packages.config (WeatherHelper 1.2.891,
// BinaryPrimitives 1.2.862, Device.Model 1.2.862, Device.I2c 1.1.29, Math 1.5.116, UnitsNet 5.75.0):
//   devices/Bmxx80/Bmxx80Base.cs, Bmx280Base.cs, Bme280.cs, Sampling.cs (: byte),
//   devices/Bmxx80/FilteringMode/Bmx280FilteringMode.cs (: byte), PowerMode/Bmx280PowerMode.cs (: byte),
//   devices/Bmxx80/ReadResult/Bmp280ReadResult.cs, Bme280ReadResult.cs (public constructors with every value).
// Only the members the device app uses plus the constructors and abstract members that fix each type's shape.
// Signatures only, compiled by the tests into a reference assembly; never shipped.
using System;
using System.Device.I2c;
using Iot.Device.Bmxx80.FilteringMode;
using Iot.Device.Bmxx80.PowerMode;
using Iot.Device.Bmxx80.ReadResult;
using UnitsNet;

namespace Iot.Device.Bmxx80
{
    public enum Sampling : byte { Skipped = 0, UltraLowPower = 1, LowPower = 2, Standard = 3, HighResolution = 4, UltraHighResolution = 5 }

    public abstract class Bmxx80Base : IDisposable
    {
        protected Bmxx80Base(byte deviceId, I2cDevice i2cDevice) { }
        public Sampling PressureSampling { get { throw null; } set { } }
        public Sampling TemperatureSampling { get { throw null; } set { } }
        public void Reset() { }
        public abstract bool TryReadTemperature(out Temperature temperature);
        public abstract bool TryReadPressure(out Pressure pressure);
        public void Dispose() { }
        protected virtual void Dispose(bool disposing) { }
    }

    public abstract class Bmx280Base : Bmxx80Base
    {
        public const byte DefaultI2cAddress = 0x77;
        public const byte SecondaryI2cAddress = 0x76;
        protected Bmx280Base(byte deviceId, I2cDevice i2cDevice) : base(deviceId, i2cDevice) { }
        public Bmx280FilteringMode FilterMode { get { throw null; } set { } }
        public override bool TryReadTemperature(out Temperature temperature) { throw null; }
        public override bool TryReadPressure(out Pressure pressure) { throw null; }
        public Bmx280PowerMode ReadPowerMode() { throw null; }
        public void SetPowerMode(Bmx280PowerMode powerMode) { }
        public virtual int GetMeasurementDuration() { throw null; }
    }

    public class Bme280 : Bmx280Base
    {
        public Bme280(I2cDevice i2cDevice) : base(0x60, i2cDevice) { }
        public Sampling HumiditySampling { get { throw null; } set { } }
        public bool TryReadHumidity(out RelativeHumidity humidity) { throw null; }
        public override int GetMeasurementDuration() { throw null; }
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
        public Bmp280ReadResult(Temperature temperature, bool temperatureIsValid, Pressure pressure, bool pressureIsValid) { }
        public Temperature Temperature { get { throw null; } }
        public bool TemperatureIsValid { get { throw null; } }
        public Pressure Pressure { get { throw null; } }
        public bool PressureIsValid { get { throw null; } }
    }

    public class Bme280ReadResult : Bmp280ReadResult
    {
        public Bme280ReadResult(Temperature temperature, bool temperatureIsValid, Pressure pressure, bool pressureIsValid, RelativeHumidity humidity, bool humidityIsValid)
            : base(temperature, temperatureIsValid, pressure, pressureIsValid) { }
        public RelativeHumidity Humidity { get { throw null; } }
        public bool HumidityIsValid { get { throw null; } }
    }
}
