namespace ProbeMonitor.Kernels;

/// <summary>Keeps the managed GEMM kernels on the calling thread for the duration of a scope.</summary>
/// <remarks>
/// The managed back end splits a large product into tasks across cores, each packing its own copy of the A block. A
/// server that already runs one request (or batch) per core gains nothing from that and pays for the extra packing and
/// the hand-offs, so it opens <see cref="OnCallingThread"/> around its products. Results are identical either way: every
/// element of C is computed by the same kernel over the same k blocks whichever task it falls in. Scopes nest and are
/// per thread; OpenBLAS keeps its own thread setting.
/// </remarks>
public static class GemmThreading
{
    [ThreadStatic]
    private static int t_depth;

    /// <summary>Whether products started on this thread stay on it.</summary>
    public static bool IsCallingThreadOnly => t_depth > 0;

    /// <summary>Keeps products started on this thread on it until the returned scope is disposed.</summary>
    public static Scope OnCallingThread()
    {
        t_depth++;
        return new Scope(Environment.CurrentManagedThreadId);
    }

    /// <summary>An open <see cref="OnCallingThread"/> scope; dispose it on the thread that opened it.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly int _thread;

        internal Scope(int thread) => _thread = thread;

        /// <summary>Closes the scope.</summary>
        /// <exception cref="InvalidOperationException">Disposed on another thread than the one that opened it.</exception>
        public void Dispose()
        {
            if (_thread == 0) return; // default(Scope) opened nothing
            if (Environment.CurrentManagedThreadId != _thread)
                throw new InvalidOperationException("a GemmThreading scope must be closed on the thread that opened it (do not await inside it).");
            t_depth--;
        }
    }
}
