using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

public sealed class RecordingStorage : MemoryStorage
{
    public byte[]? FirstJournal;

    public override void Write(string name, byte[] data, int offset, int count)
    {
        if (name == "jr" && FirstJournal is null)
        {
            FirstJournal = data[offset..(offset + count)];
        }
        base.Write(name, data, offset, count);
    }
}
