using System;
using System.Device.I2c;
using ContainerTag.Core.Hardware;

namespace ContainerTag.Device.Adapters
{
    /// <summary>
    /// IRegisterBus over an I2cDevice (System.Device.I2c 1.1.29: Write(SpanByte), WriteRead(SpanByte, SpanByte),
    /// I2cTransferResult.Status). A NACK or bus error is a false, never an exception.
    /// </summary>
    public class I2cRegisterBus : IRegisterBus
    {
        private readonly I2cDevice _device;
        private readonly byte[] _write = new byte[2];
        private readonly byte[] _address = new byte[1];

        public I2cRegisterBus(I2cDevice device)
        {
            _device = device;
        }

        public bool Write(byte register, byte value)
        {
            _write[0] = register;
            _write[1] = value;
            try
            {
                return _device.Write(new SpanByte(_write)).Status == I2cTransferStatus.FullTransfer;
            }
            catch (Exception)
            {
                return false;
            }
        }

        public bool Read(byte register, byte[] buffer, int count)
        {
            _address[0] = register;
            try
            {
                I2cTransferResult r = _device.WriteRead(new SpanByte(_address), new SpanByte(buffer, 0, count));
                return r.Status == I2cTransferStatus.FullTransfer;
            }
            catch (Exception)
            {
                return false;
            }
        }
    }
}
