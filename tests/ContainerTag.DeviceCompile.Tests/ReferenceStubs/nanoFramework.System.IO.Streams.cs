// Reference stub of nanoFramework.System.IO.Streams 1.1.96 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.IO.Streams at tag v1.1.96:
//   System.IO.Streams/Stream.cs (abstract, derives from mscorlib's MarshalByRefObject; no finaliser),
//   System.IO.Streams/SeekOrigin.cs.
// Signatures only, compiled by the tests into a reference assembly; never shipped.
using System;

namespace System.IO
{
    [Serializable]
    public enum SeekOrigin { Begin = 0, Current = 1, End = 2 }

    [Serializable]
    public abstract class Stream : MarshalByRefObject, IDisposable
    {
        public abstract bool CanRead { get; }
        public abstract bool CanSeek { get; }
        public virtual bool CanTimeout { get { throw null; } }
        public abstract bool CanWrite { get; }
        public abstract long Length { get; }
        public abstract long Position { get; set; }
        public virtual int ReadTimeout { get { throw null; } set { } }
        public virtual int WriteTimeout { get { throw null; } set { } }
        public virtual void Close() { }
        public void CopyTo(Stream destination) { }
        public void Dispose() { }
        protected virtual void Dispose(bool disposing) { }
        public abstract void Flush();
        public abstract long Seek(long offset, SeekOrigin origin);
        public abstract void SetLength(long value);
        public abstract int Read(SpanByte buffer);
        public abstract int Read(byte[] buffer, int offset, int count);
        public virtual int ReadByte() { throw null; }
        public abstract void Write(byte[] buffer, int offset, int count);
        public virtual void WriteByte(byte value) { }
    }
}
