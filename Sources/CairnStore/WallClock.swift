import Foundation
import Synchronization

/// Wall-clock time in epoch milliseconds, the one clock Cairn reads: stored timestamps, visibility timeouts,
/// retention and expiry all come from it. Tests inject a `ManualClock` so nothing they check depends on how
/// fast the machine runs.
public struct WallClock: Sendable {
    private let reading: @Sendable () -> Int64

    public init(_ reading: @escaping @Sendable () -> Int64) {
        self.reading = reading
    }

    /// The system's clock, rounded down to the millisecond.
    public static let system = WallClock { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Now, in epoch milliseconds.
    public var milliseconds: Int64 { reading() }

    /// Now, in whole epoch seconds.
    public var seconds: Int64 { reading() / 1000 }
}

/// A clock that moves only when told to: for tests of timeouts, backoffs and expiry.
public final class ManualClock: Sendable {
    private let now: Mutex<Int64>

    public init(milliseconds: Int64 = WallClock.system.milliseconds) {
        now = Mutex(milliseconds)
    }

    public var milliseconds: Int64 { now.withLock { $0 } }

    public func advance(byMilliseconds step: Int64) {
        now.withLock { $0 += step }
    }

    /// This clock as the `WallClock` that code under test reads.
    public var clock: WallClock { WallClock { self.milliseconds } }
}
