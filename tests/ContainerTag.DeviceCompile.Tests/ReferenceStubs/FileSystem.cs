// Reference stubs of nanoFramework.System.IO.FileSystem 1.1.93 (github.com/nanoframework/System.IO.FileSystem:
// System.IO.FileSystem/File.cs, Directory.cs, Path.cs, FileStream.cs, FileMode.cs, FileAccess.cs) and its base
// from nanoFramework.System.IO.Streams 1.1.96 (Stream, SeekOrigin). These shadow the host BCL types of the same
// names inside the test compilation (CS0436), so a .NET-only overload does not compile.
using System;

namespace System.IO
{
    public enum FileMode { CreateNew = 1, Create = 2, Open = 3, OpenOrCreate = 4, Truncate = 5, Append = 6 }
    public enum FileAccess { Read = 1, Write = 2, ReadWrite = 3 }
    public enum SeekOrigin { Begin = 0, Current = 1, End = 2 }

    public abstract class Stream : IDisposable
    {
        public abstract long Length { get; }
        public abstract int Read(byte[] buffer, int offset, int count);
        public abstract void Write(byte[] buffer, int offset, int count);
        public abstract long Seek(long offset, SeekOrigin origin);
        public abstract void Flush();
        public void Dispose() { }
    }

    public class FileStream : Stream
    {
        public FileStream(string path, FileMode mode) { }
        public FileStream(string path, FileMode mode, FileAccess access) { }
        public override long Length { get { throw null; } }
        public override int Read(byte[] buffer, int offset, int count) { throw null; }
        public override void Write(byte[] buffer, int offset, int count) { }
        public override long Seek(long offset, SeekOrigin origin) { throw null; }
        public override void Flush() { }
    }

    public static class File
    {
        public static bool Exists(string path) { throw null; }
        public static void Delete(string path) { }
        public static byte[] ReadAllBytes(string path) { throw null; }
        public static void WriteAllBytes(string path, byte[] bytes) { }
    }

    public static class Directory
    {
        public static bool Exists(string path) { throw null; }
        public static string[] GetFiles(string path) { throw null; }
    }

    public static class Path
    {
        public static string GetFileName(string path) { throw null; }
    }
}
