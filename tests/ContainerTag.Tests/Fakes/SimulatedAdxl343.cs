using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>
/// An ADXL343 register file behind a simulated I2C bus, modelled on the datasheet's register map and
/// interrupt behaviour: an activity above THRESH_ACT on an enabled axis sets INT_SOURCE.Activity when
/// INT_ENABLE.Activity is set; the bit stays latched until INT_SOURCE is read; INT1 is high (active-high
/// default) while a latched bit is enabled and mapped to INT1 (INT_MAP bit 0). Every write is logged.
/// </summary>
public sealed class SimulatedAdxl343 : IRegisterBus
{
    public readonly byte[] Registers = new byte[0x40];
    public readonly List<(byte Register, byte Value)> Writes = new();
    public bool Present = true;
    public int IntSourceReads;
    public (short X, short Y, short Z) Sample = (0, 0, 256);

    public SimulatedAdxl343()
    {
        Registers[Adxl343Chip.DevId] = Adxl343Chip.DeviceId;
    }

    public bool Write(byte register, byte value)
    {
        if (!Present) return false;
        Writes.Add((register, value));
        Registers[register] = value;
        return true;
    }

    public bool Read(byte register, byte[] buffer, int count)
    {
        if (!Present) return false;
        if (register == Adxl343Chip.DataX0)
        {
            byte[] data = [(byte)Sample.X, (byte)(Sample.X >> 8), (byte)Sample.Y, (byte)(Sample.Y >> 8), (byte)Sample.Z, (byte)(Sample.Z >> 8)];
            Array.Copy(data, buffer, count);
            return true;
        }
        for (int i = 0; i < count; i++) buffer[i] = Registers[register + i];
        if (register <= Adxl343Chip.IntSource && register + count > Adxl343Chip.IntSource)
        {
            IntSourceReads++;
            // Reading INT_SOURCE clears the activity, tap and free-fall bits (datasheet, INT_SOURCE).
            Registers[Adxl343Chip.IntSource] &= 0x83;
        }
        return true;
    }

    /// <summary>An AC-coupled jolt of the given magnitude in g on X: latches Activity when armed for it.</summary>
    public void Jolt(double g)
    {
        bool xEnabled = (Registers[Adxl343Chip.ActInactCtl] & 0x40) != 0;
        bool above = g / Adxl343Chip.ThresholdGPerLsb > Registers[Adxl343Chip.ThreshAct];
        bool enabled = (Registers[Adxl343Chip.IntEnable] & Adxl343Chip.ActivityBit) != 0;
        bool measuring = (Registers[Adxl343Chip.PowerCtl] & Adxl343Chip.Measure) != 0;
        if (xEnabled && above && enabled && measuring)
        {
            Registers[Adxl343Chip.IntSource] |= Adxl343Chip.ActivityBit;
        }
    }

    /// <summary>Level of the INT1 pin (ext0 wakes the ESP32 while it is high).</summary>
    public bool Int1High
    {
        get
        {
            int pending = Registers[Adxl343Chip.IntSource] & Registers[Adxl343Chip.IntEnable];
            return (pending & ~Registers[Adxl343Chip.IntMap]) != 0;
        }
    }
}
