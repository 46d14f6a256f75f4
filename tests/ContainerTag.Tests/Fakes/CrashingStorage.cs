using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>Memory flash that "loses power" after a number of mutating operations.</summary>
public sealed class CrashingStorage : MemoryStorage
{
    public int MutationsBeforeCrash = int.MaxValue;
    public int Mutations;

    private void Tick()
    {
        if (Mutations++ >= MutationsBeforeCrash)
        {
            throw new IOException("power cut");
        }
    }

    public override void Write(string name, byte[] data, int offset, int count) { Tick(); base.Write(name, data, offset, count); }

    public override void Append(string name, byte[] data, int offset, int count) { Tick(); base.Append(name, data, offset, count); }

    public override void Delete(string name) { Tick(); base.Delete(name); }
}
