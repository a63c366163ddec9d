#if canImport(Glibc)
import Glibc
#endif

/// glibc malloc settings for a server that keeps many short-lived calls in flight.
///
/// Why: each call's Swift task allocates its first slab with malloc. When a batch of calls ends,
/// their frees merge at the top of the heap; past glibc's default 128 KiB trim threshold the heap
/// is shrunk, and the next batch grows it again with `brk` and page faults. In a 64 B unary
/// profile (h2load, 512 calls in flight) sysmalloc and the page faults under it were ~6% of the
/// server's CPU; with the threshold raised they were gone. The heap keeps at most this much free
/// memory at its top.
enum MallocTuning {
    static let trimThreshold: Int32 = 8 * 1024 * 1024
    /// `M_TRIM_THRESHOLD` from <malloc.h>, which the Glibc module does not import.
    private static let mTrimThreshold: Int32 = -1

    static func apply() {
        #if canImport(Glibc)
        // Looked up rather than declared: <malloc.h> is not in the Glibc module, and dlsym gives
        // the C calling convention without a C target for one function.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mTrimThreshold, trimThreshold)
        #endif
    }
}
