// Reference stub of nanoFramework.System.Text 1.3.42 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.Text at tag v1.3.42: nanoFramework.System.Text/Text/Encoding.cs.
// Only the members the device app uses (GetDecoder, abstract there, and its Decoder type are left out).
// Signatures only, compiled by the tests into a reference assembly; never shipped.
namespace System.Text
{
    public abstract class Encoding
    {
        public static Encoding UTF8 { get { throw null; } }
        public virtual byte[] GetBytes(string s) { throw null; }
        public virtual int GetBytes(string s, int charIndex, int charCount, byte[] bytes, int byteIndex) { throw null; }
        public virtual char[] GetChars(byte[] bytes) { throw null; }
        public virtual char[] GetChars(byte[] bytes, int byteIndex, int byteCount) { throw null; }
        public virtual string GetString(byte[] bytes, int index, int count) { throw null; }
    }
}
