// Reference stub of nanoFramework.System.Math 1.5.116 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.Math at tag v1.5.116: nanoFramework.System.Math/Math.cs
// (static class Math; only the members the device code and Core use).
// Signatures only, compiled by the tests into a reference assembly; never shipped.
namespace System
{
    public static class Math
    {
        public static double Floor(double d) { throw null; }
        public static double Sqrt(double d) { throw null; }
    }
}
