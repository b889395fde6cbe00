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

/// HMAC over the SHA-2 family, as KMS's HMAC keys use it (`HMAC_SHA_224` … `HMAC_SHA_512`).
public enum HMACDigest: String, Sendable, CaseIterable {
    case sha224 = "HMAC_SHA_224"
    case sha256 = "HMAC_SHA_256"
    case sha384 = "HMAC_SHA_384"
    case sha512 = "HMAC_SHA_512"

    /// The MAC's length, and the length of the key KMS makes for it.
    public var byteCount: Int {
        switch self {
        case .sha224: 28
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    public func authenticate(_ message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let digest =
            switch self {
            case .sha224: EVP_sha224()
            case .sha256: EVP_sha256()
            case .sha384: EVP_sha384()
            case .sha512: EVP_sha512()
            }
        withContiguous(key) { keyBytes in
            withContiguous(message) { messageBytes in
                output.withUnsafeMutableBufferPointer { out in
                    _ = HMAC(
                        digest, keyBytes.baseAddress, Int32(keyBytes.count), messageBytes.baseAddress,
                        messageBytes.count, out.baseAddress, &length)
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
