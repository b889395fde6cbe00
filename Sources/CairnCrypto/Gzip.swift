import CZlib

/// gzip (RFC 1952) over zlib, for the payloads CloudWatch Logs subscriptions deliver. No C type leaves this file.
public enum Gzip {
    public enum Failure: Error, Equatable, Sendable {
        case compressionFailed
        case corrupt
        case tooLarge
    }

    public static func compress(_ input: [UInt8], level: Int32 = 6) throws(Failure) -> [UInt8] {
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

    /// Decompresses, refusing output above `limit` bytes.
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
            while status != Z_STREAM_END {
                status = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                guard status == Z_OK || status == Z_STREAM_END else { throw .corrupt }
                output += chunk[0..<(chunk.count - Int(stream.avail_out))]
                guard output.count <= limit else { throw .tooLarge }
                if status == Z_OK, stream.avail_in == 0, stream.avail_out != 0 { throw .corrupt }
            }
        }
        return output
    }
}
