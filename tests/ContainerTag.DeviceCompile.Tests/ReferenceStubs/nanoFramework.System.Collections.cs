// Reference stub of nanoFramework.System.Collections 1.5.75 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.Collections at tag v1.5.75:
//   nanoFramework.System.Collections/Collections/Hashtable.cs, DictionaryEntry.cs, IDictionary.cs.
// Only the types the device code and Core use; each member has the shape it has in that source
// (DictionaryEntry is a class with public fields there, not the struct of .NET).
// Signatures only, compiled by the tests into a reference assembly; never shipped.
namespace System.Collections
{
    [Serializable]
    public class DictionaryEntry
    {
        public object Key;
        public object Value;
        public DictionaryEntry(object key, object value) { Key = key; Value = value; }
    }

    public interface IDictionary : ICollection
    {
        bool IsReadOnly { get; }
        bool IsFixedSize { get; }
        ICollection Keys { get; }
        ICollection Values { get; }
        object this[object key] { get; set; }
        void Add(object key, object value);
        void Clear();
        bool Contains(object key);
        void Remove(object key);
    }

    [Serializable]
    public class Hashtable : ICloneable, IDictionary
    {
        public Hashtable() { }
        public Hashtable(int capacity) { }
        public Hashtable(int capacity, float loadFactor) { }
        public object Clone() { throw null; }
        public IEnumerator GetEnumerator() { throw null; }
        public int Count { get { throw null; } }
        public bool IsSynchronized { get { throw null; } }
        public object SyncRoot { get { throw null; } }
        public void CopyTo(Array array, int arrayIndex) { }
        public bool IsReadOnly { get { throw null; } }
        public bool IsFixedSize { get { throw null; } }
        public ICollection Keys { get { throw null; } }
        public ICollection Values { get { throw null; } }
        public object this[object key] { get { throw null; } set { } }
        public void Add(object key, object value) { }
        public void Clear() { }
        public bool Contains(object key) { throw null; }
        public void Remove(object key) { }
    }
}
