// Reference stub of UnitsNet.nanoFramework.Temperature, .RelativeHumidity and .Pressure 5.75.0
// (firmware/ContainerTag/packages.config; one package and assembly per quantity), from
// github.com/angularsen/UnitsNet at tag UnitsNet/5.75.0:
//   UnitsNet.NanoFramework/GeneratedCode/Quantities/Temperature.g.cs, RelativeHumidity.g.cs, Pressure.g.cs
//   (structs holding a private double value and a unit enum; only Value and the unit the device app reads).
// Signatures only, compiled by the tests into a reference assembly; never shipped.
namespace UnitsNet
{
    public struct Temperature
    {
        private readonly double _value;
        public double Value { get { return _value; } }
        public double DegreesCelsius { get { throw null; } }
        public static Temperature FromDegreesCelsius(double degreescelsius) { throw null; }
    }

    public struct RelativeHumidity
    {
        private readonly double _value;
        public double Value { get { return _value; } }
        public double Percent { get { throw null; } }
    }

    public struct Pressure
    {
        private readonly double _value;
        public double Value { get { return _value; } }
        public double Hectopascals { get { throw null; } }
    }
}
