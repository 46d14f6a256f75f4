// TEMPORARY (firmware-defects branch, issue 10 section 2): System.SpanByte is in the real mscorlib of
// nanoFramework.CoreLibrary 1.17.11 (lib/mscorlib.xml: SpanByte(byte[]), SpanByte(byte[], int, int),
// op_Implicit(byte[])), but not in the host BCL this compile still uses. Delete this file once the device
// compile references the real mscorlib (section 1).
namespace System
{
    public struct SpanByte
    {
        public SpanByte(byte[] array) { }
        public SpanByte(byte[] array, int start, int length) { }
        public static implicit operator SpanByte(byte[] array) { throw null; }
    }
}
