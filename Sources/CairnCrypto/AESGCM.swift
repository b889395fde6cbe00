import COpenSSL

public enum CryptoError: Error, Equatable, Sendable {
    case invalidKeySize
    case authenticationFailed
    case malformedCiphertext
    case encryptionFailed
}

/// AES-256-GCM with a 12-byte random nonce and a 16-byte tag.
/// Sealed layout: nonce (12) | ciphertext | tag (16).
public enum AESGCM {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    public static func seal(
        _ plaintext: some Collection<UInt8>, key: [UInt8], authenticating aad: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> [UInt8] {
        guard key.count == keyByteCount else { throw .invalidKeySize }
        let nonce = SecureRandom.bytes(nonceByteCount)
        let input = Array(plaintext)
        let associated = Array(aad)
        var output = [UInt8](repeating: 0, count: nonceByteCount + input.count + tagByteCount)
        let ok: Bool = output.withUnsafeMutableBufferPointer { out in
            guard let context = EVP_CIPHER_CTX_new() else { return false }
            defer { EVP_CIPHER_CTX_free(context) }
            guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceByteCount), nil) == 1,
                EVP_EncryptInit_ex(context, nil, nil, key, nonce) == 1
            else { return false }
            var length: Int32 = 0
            if !associated.isEmpty {
                guard EVP_EncryptUpdate(context, nil, &length, associated, Int32(associated.count)) == 1 else {
                    return false
                }
            }
            let body = out.baseAddress! + nonceByteCount
            if !input.isEmpty {
                guard EVP_EncryptUpdate(context, body, &length, input, Int32(input.count)) == 1 else { return false }
            }
            guard EVP_EncryptFinal_ex(context, body + input.count, &length) == 1 else { return false }
            guard
                EVP_CIPHER_CTX_ctrl(
                    context, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), body + input.count) == 1
            else { return false }
            for index in 0..<nonceByteCount { out[index] = nonce[index] }
            return true
        }
        guard ok else { throw .encryptionFailed }
        return output
    }

    public static func open(
        _ sealed: some Collection<UInt8>, key: [UInt8], authenticating aad: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> [UInt8] {
        guard key.count == keyByteCount else { throw .invalidKeySize }
        let input = Array(sealed)
        guard input.count >= nonceByteCount + tagByteCount else { throw .malformedCiphertext }
        let associated = Array(aad)
        let bodyCount = input.count - nonceByteCount - tagByteCount
        var output = [UInt8](repeating: 0, count: bodyCount)
        let ok: Bool = input.withUnsafeBufferPointer { sealedBytes in
            output.withUnsafeMutableBufferPointer { out in
                guard let context = EVP_CIPHER_CTX_new() else { return false }
                defer { EVP_CIPHER_CTX_free(context) }
                let nonce = sealedBytes.baseAddress!
                let body = nonce + nonceByteCount
                var tag = Array(sealedBytes[(nonceByteCount + bodyCount)...])
                guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
                    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceByteCount), nil) == 1,
                    EVP_DecryptInit_ex(context, nil, nil, key, nonce) == 1
                else { return false }
                var length: Int32 = 0
                if !associated.isEmpty {
                    guard EVP_DecryptUpdate(context, nil, &length, associated, Int32(associated.count)) == 1 else {
                        return false
                    }
                }
                if bodyCount > 0 {
                    guard EVP_DecryptUpdate(context, out.baseAddress, &length, body, Int32(bodyCount)) == 1 else {
                        return false
                    }
                }
                guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), &tag) == 1 else {
                    return false
                }
                var finalBuffer = [UInt8](repeating: 0, count: 16)
                return EVP_DecryptFinal_ex(context, &finalBuffer, &length) == 1
            }
        }
        guard ok else { throw .authenticationFailed }
        return output
    }
}
