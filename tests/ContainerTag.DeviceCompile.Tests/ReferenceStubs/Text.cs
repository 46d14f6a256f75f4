// Reference stub of nanoFramework.System.Text 1.3.42 (github.com/nanoframework/System.Text:
// nanoFramework.System.Text/Text/Encoding.cs): shadows the host's Encoding in the test compilation.
namespace System.Text
{
    public abstract class Encoding
    {
        public static Encoding UTF8 { get { throw null; } }
        public virtual byte[] GetBytes(string s) { throw null; }
        public virtual string GetString(byte[] bytes, int index, int count) { throw null; }
    }
}
