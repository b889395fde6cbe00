import COpenSSL

public enum SecureRandom {
    /// Cryptographically secure random bytes from OpenSSL's RAND_bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        let status = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(status == 1, "RAND_bytes failed")
        return output
    }
}
