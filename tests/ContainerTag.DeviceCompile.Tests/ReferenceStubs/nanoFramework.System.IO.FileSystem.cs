// Reference stub of nanoFramework.System.IO.FileSystem 1.1.93 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.IO.FileSystem at tag v1.1.93:
//   System.IO.FileSystem/File.cs, Directory.cs, Path.cs (static classes),
//   System.IO.FileSystem/FileStream.cs, FileMode.cs, FileAccess.cs, FileShare.cs.
// Only the members the device app uses plus FileStream's constructors and Stream overrides.
// File.ReadAllText has no Encoding overload there, so a .NET-only call does not compile.
// Signatures only, compiled by the tests into a reference assembly; never shipped.
using System;

namespace System.IO
{
    public enum FileMode { CreateNew = 1, Create = 2, Open = 3, OpenOrCreate = 4, Truncate = 5, Append = 6 }

    public enum FileAccess { Read = 1, Write = 2, ReadWrite = 3 }

    public enum FileShare { None = 0, Read = 1, Write = 2, ReadWrite = 3 }

    public class FileStream : Stream
    {
        public FileStream(string path, FileMode mode) { }
        public FileStream(string path, FileMode mode, FileAccess access) { }
        public FileStream(string path, FileMode mode, FileAccess access, FileShare share) { }
        public FileStream(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize) { }
        public override bool CanRead { get { throw null; } }
        public override bool CanSeek { get { throw null; } }
        public override bool CanWrite { get { throw null; } }
        public override long Length { get { throw null; } }
        public override long Position { get { throw null; } set { } }
        public string Name { get { throw null; } }
        public override void Close() { }
        protected override void Dispose(bool disposing) { }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) { throw null; }
        public override int Read(SpanByte buffer) { throw null; }
        public override int ReadByte() { throw null; }
        public override long Seek(long offset, SeekOrigin origin) { throw null; }
        public override void SetLength(long value) { }
        public override void Write(byte[] buffer, int offset, int count) { }
        public override void WriteByte(byte value) { }
    }

    public static class File
    {
        public static void Delete(string path) { }
        public static bool Exists(string path) { throw null; }
        public static void Move(string sourceFileName, string destFileName) { }
        public static byte[] ReadAllBytes(string path) { throw null; }
        public static string ReadAllText(string path) { throw null; }
        public static void WriteAllBytes(string path, byte[] bytes) { }
    }

    public static class Directory
    {
        public static void Delete(string path) { }
        public static bool Exists(string path) { throw null; }
        public static string[] GetFiles(string path) { throw null; }
        public static string[] GetDirectories(string path) { throw null; }
    }

    public static class Path
    {
        public static readonly char DirectorySeparatorChar;
        public static string Combine(string path1, string path2) { throw null; }
        public static string GetDirectoryName(string path) { throw null; }
        public static string GetFileName(string path) { throw null; }
    }
}
