// Reference stub of nanoFramework.System.Threading 1.1.52 (firmware/ContainerTag/packages.config), from
// github.com/nanoframework/System.Threading at tag v1.1.52:
//   nanoFramework.System.Threading/Threading/CancellationToken.cs (struct; public constructor (bool canceled)),
//   nanoFramework.System.Threading/Threading/CancellationTokenSource.cs.
// Only the members the device app uses plus the constructors. Signatures only, compiled by the tests into a
// reference assembly; never shipped.
using System;

namespace System.Threading
{
    public struct CancellationToken
    {
        public CancellationToken(bool canceled) { }
        public static CancellationToken None { get { throw null; } }
        public bool IsCancellationRequested { get { throw null; } }
        public bool CanBeCanceled { get { throw null; } }
        public WaitHandle WaitHandle { get { throw null; } }
        public void ThrowIfCancellationRequested() { }
        public bool Equals(CancellationToken other) { throw null; }
        public override bool Equals(object other) { throw null; }
        public override int GetHashCode() { throw null; }
    }

    public class CancellationTokenSource : IDisposable
    {
        public CancellationTokenSource() { }
        public CancellationTokenSource(int millisecondsDelay) { }
        public CancellationTokenSource(TimeSpan delay) { }
        public bool IsCancellationRequested { get { throw null; } }
        public CancellationToken Token { get { throw null; } }
        public void Cancel() { }
        public void Cancel(bool throwOnFirstException) { }
        public void CancelAfter(TimeSpan delay) { }
        public void CancelAfter(int millisecondsDelay) { }
        public void Dispose() { }
        protected virtual void Dispose(bool disposing) { }
    }
}
