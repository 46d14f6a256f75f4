namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// A chip's 8-bit register file behind a bus (I2C on the device, a simulated register file in tests).
    /// Lets Core program a chip without a binding whose register map may be wrong.
    /// </summary>
    public interface IRegisterBus
    {
        /// <summary>Writes one register; false when the chip did not take it (NACK, bus error).</summary>
        bool Write(byte register, byte value);

        /// <summary>Reads count registers starting at register (auto-increment); false on a bus error.</summary>
        bool Read(byte register, byte[] buffer, int count);
    }
}
