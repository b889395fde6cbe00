import CDeflate
import CZlib

/// gzip (RFC 1952) over zlib, for the payloads CloudWatch Logs subscriptions deliver. No C type leaves this file.
public enum Gzip {
    public enum Failure: Error, Equatable, Sendable {
        case compressionFailed
        case corrupt
        case tooLarge
    }

    public static func compress(_ input: [UInt8], level: Int32 = 6) throws(Failure) -> [UInt8] {
        try compress(input[...], level: level)
    }

    /// One gzip member of `input`. Members written one after another make a valid gzip file of the whole.
    public static func compress(_ input: ArraySlice<UInt8>, level: Int32 = 6) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard cairn_deflate_init_gzip(&stream, level) == Z_OK else { throw .compressionFailed }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 32
        var status: Int32 = Z_OK
        // Not zeroed first: deflate writes every byte that is kept.
        let output = [UInt8](unsafeUninitializedCapacity: bound) { destination, written in
            input.withUnsafeBufferPointer { source in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                status = deflate(&stream, Z_FINISH)
            }
            written = status == Z_STREAM_END ? destination.count - Int(stream.avail_out) : 0
        }
        guard status == Z_STREAM_END else { throw .compressionFailed }
        return output
    }

    /// Decompresses, refusing output above `limit` bytes. Members one after another inflate to their concatenation,
    /// as `gunzip` reads them.
    public static func decompress(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard cairn_inflate_init_gzip(&stream) == Z_OK else { throw .corrupt }
        defer { inflateEnd(&stream) }
        var input = input
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { source throws(Failure) in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                status = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                guard status == Z_OK || status == Z_STREAM_END else { throw .corrupt }
                output += chunk[0..<(chunk.count - Int(stream.avail_out))]
                guard output.count <= limit else { throw .tooLarge }
                if status == Z_STREAM_END {
                    guard stream.avail_in > 0 else { break }
                    guard inflateReset(&stream) == Z_OK else { throw .corrupt }  // the next member
                } else if stream.avail_in == 0, stream.avail_out != 0 {
                    throw .corrupt
                }
            }
        }
        return output
    }

    /// gzip at libdeflate's speed: one whole buffer at a time, several times faster than zlib at the same level
    /// (for export objects, where throughput matters and the input is in memory anyway). Same format, one member.
    public static func compressFast(_ input: ArraySlice<UInt8>, level: Int32 = 1) throws(Failure) -> [UInt8] {
        guard let compressor = libdeflate_alloc_compressor(level) else { throw .compressionFailed }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_gzip_compress_bound(compressor, input.count)
        var written = 0
        let output = [UInt8](unsafeUninitializedCapacity: bound) { destination, count in
            input.withUnsafeBytes { source in
                written = libdeflate_gzip_compress(
                    compressor, source.baseAddress, source.count, destination.baseAddress, destination.count)
            }
            count = written
        }
        guard written > 0 else { throw .compressionFailed }
        return output
    }
}
