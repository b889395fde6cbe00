import COpenSSL

/// AES Key Wrap with Padding (RFC 5649, NIST SP 800-38F KWP) with a 192- or 256-bit key encryption key: how KMS's
/// `RSA_AES_KEY_WRAP_*` import wrapping carries key material too long for RSA-OAEP alone.
public enum AESKeyWrap {
    /// `keyData` wrapped under `kek`: 8 bytes longer than the data padded to a multiple of 8.
    public static func wrapPadded(_ keyData: [UInt8], kek: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard !keyData.isEmpty else { throw .encryptionFailed }
        guard let output = run(keyData, kek: kek, encrypt: true, capacity: (keyData.count + 7) / 8 * 8 + 8) else {
            throw .encryptionFailed
        }
        return output
    }

    /// The key data `wrapped` holds, or nil when it does not unwrap under `kek` (its integrity check fails).
    public static func unwrapPadded(_ wrapped: [UInt8], kek: [UInt8]) -> [UInt8]? {
        guard wrapped.count >= 16, wrapped.count % 8 == 0 else { return nil }
        return run(wrapped, kek: kek, encrypt: false, capacity: wrapped.count)
    }

    private static func run(_ input: [UInt8], kek: [UInt8], encrypt: Bool, capacity: Int) -> [UInt8]? {
        let cipher: OpaquePointer? =
            switch kek.count {
            case 24: EVP_aes_192_wrap_pad()
            case 32: EVP_aes_256_wrap_pad()
            default: nil
            }
        guard let cipher, let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        EVP_CIPHER_CTX_set_flags(context, Int32(EVP_CIPHER_CTX_FLAG_WRAP_ALLOW))
        guard EVP_CipherInit_ex(context, cipher, nil, kek, nil, encrypt ? 1 : 0) == 1 else { return nil }
        var output = [UInt8](repeating: 0, count: capacity + 16)
        var length: Int32 = 0
        guard EVP_CipherUpdate(context, &output, &length, input, Int32(input.count)) == 1, length >= 0 else {
            return nil
        }
        var final: Int32 = 0
        let ok = output.withUnsafeMutableBufferPointer { buffer in
            EVP_CipherFinal_ex(context, buffer.baseAddress! + Int(length), &final) == 1
        }
        guard ok else { return nil }
        return Array(output.prefix(Int(length + final)))
    }
}
