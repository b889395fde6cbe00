import COpenSSL

/// SHA-256 and HMAC-SHA256 over libcrypto. No C type leaves this file.
public enum SHA256 {
    public static let byteCount = 32

    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: byteCount)
        withContiguous(data) { input in
            output.withUnsafeMutableBufferPointer { out in
                _ = COpenSSL.SHA256(input.baseAddress, input.count, out.baseAddress)
            }
        }
        return output
    }

    public static func hex(_ data: some Collection<UInt8>) -> String {
        Hex.encode(hash(data))
    }
}

public enum HMACSHA256 {
    public static func authenticate(_ message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: SHA256.byteCount)
        var length: UInt32 = 0
        withContiguous(key) { keyBytes in
            withContiguous(message) { messageBytes in
                output.withUnsafeMutableBufferPointer { out in
                    _ = HMAC(
                        EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                        messageBytes.baseAddress, messageBytes.count, out.baseAddress, &length)
                }
            }
        }
        return output
    }
}

/// Constant-time comparison for MACs and signatures.
public func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
    return difference == 0
}

func withContiguous<R>(_ data: some Collection<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = data.withContiguousStorageIfAvailable({ body($0) }) {
        return result
    }
    let copy = Array(data)
    return copy.withUnsafeBufferPointer { body($0) }
}
