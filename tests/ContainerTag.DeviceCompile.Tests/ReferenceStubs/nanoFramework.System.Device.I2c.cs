// Reference stub of nanoFramework.System.Device.I2c 1.1.29 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.Device.I2c at tag v1.1.29:
//   System.Device.I2c/I2cConnectionSettings.cs (sealed; no public parameterless constructor),
//   System.Device.I2c/I2cDevice.cs, I2cBusSpeed.cs, I2cTransferResult.cs (struct with read-only properties),
//   System.Device.I2c/I2cTransferStatus.cs.
// Signatures only, compiled by the tests into a reference assembly; never shipped.
using System;

namespace System.Device.I2c
{
    public enum I2cBusSpeed { StandardMode, FastMode, FastModePlus }

    public sealed class I2cConnectionSettings
    {
        private I2cConnectionSettings() { }
        public I2cConnectionSettings(int busId, int deviceAddress) { }
        public I2cConnectionSettings(int busId, int deviceAddress, I2cBusSpeed busSpeed) { }
        public int BusId { get { throw null; } }
        public int DeviceAddress { get { throw null; } }
        public I2cBusSpeed BusSpeed { get { throw null; } }
    }

    public class I2cDevice : IDisposable
    {
        public I2cDevice(I2cConnectionSettings settings) { }
        public I2cConnectionSettings ConnectionSettings { get { throw null; } }
        public byte ReadByte() { throw null; }
        public I2cTransferResult Read(SpanByte buffer) { throw null; }
        public I2cTransferResult WriteByte(byte value) { throw null; }
        public I2cTransferResult Write(SpanByte buffer) { throw null; }
        public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) { throw null; }
        public static I2cDevice Create(I2cConnectionSettings settings) { throw null; }
        public void Dispose() { }
    }

    public struct I2cTransferResult
    {
        private readonly uint _bytesTransferred;
        private readonly I2cTransferStatus _status;
        public uint BytesTransferred { get { return _bytesTransferred; } }
        public I2cTransferStatus Status { get { return _status; } }
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
