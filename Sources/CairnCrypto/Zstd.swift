import CZstd

/// zstd compression over libzstd. No C type leaves this file.
public enum Zstd {
    public enum Failure: Error, Equatable, Sendable {
        case compressionFailed
        case corrupt
        case tooLarge
    }

    public static let defaultLevel: Int32 = 1

    public static func compress(_ input: [UInt8], level: Int32 = defaultLevel) throws(Failure) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                ZSTD_compress(destination.baseAddress, bound, source.baseAddress, source.count, level)
            }
        }
        guard ZSTD_isError(written) == 0 else { throw .compressionFailed }
        output.removeLast(bound - written)
        return output
    }

    /// Decompresses a frame whose content size is recorded in its header, refusing anything above `limit` bytes.
    public static func decompress(_ input: some Collection<UInt8>, limit: Int) throws(Failure) -> [UInt8] {
        let frame = Array(input)
        let size = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are the two largest UInt64 values.
        guard size < UInt64.max - 1 else { throw .corrupt }
        guard size <= UInt64(limit) else { throw .tooLarge }
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = frame.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                ZSTD_decompress(destination.baseAddress, destination.count, source.baseAddress, source.count)
            }
        }
        guard ZSTD_isError(written) == 0, written == Int(size) else { throw .corrupt }
        return output
    }
}
