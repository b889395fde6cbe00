import COpenSSL
import Foundation

/// An RSA key that signs with RSASSA-PKCS1-v1_5 over SHA-256, with a self-signed X.509 certificate for whoever
/// verifies: how SNS signs its messages (`SignatureVersion` 2). No C type leaves this file.
public final class RSASigningKey: @unchecked Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case openSSL(String)
        public var description: String {
            switch self {
            case .openSSL(let step): "OpenSSL failed: \(step)"
            }
        }
    }

    private let key: OpaquePointer

    private init(key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }

    /// A new key of `bits` bits.
    public static func generate(bits: Int = 2048) throws -> RSASigningKey {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else { throw Failure.openSSL("key context") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1,
            EVP_PKEY_keygen(context, &key) == 1, let key
        else { throw Failure.openSSL("RSA key generation") }
        return RSASigningKey(key: key)
    }

    /// The key from its DER encoding (PKCS #1 or PKCS #8), as `privateKeyDER` wrote it.
    public init(privateKeyDER der: [UInt8]) throws {
        var loaded: OpaquePointer?
        der.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            loaded = d2i_AutoPrivateKey(nil, &pointer, buffer.count)
        }
        guard let loaded else { throw Failure.openSSL("reading the private key") }
        key = loaded
    }

    /// The private key, DER-encoded: secret material, to be sealed before it is stored.
    public var privateKeyDER: [UInt8] {
        let length = i2d_PrivateKey(key, nil)
        guard length > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: Int(length))
        output.withUnsafeMutableBufferPointer { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_PrivateKey(key, &pointer)
        }
        return output
    }

    /// The RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw Failure.openSSL("digest context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            throw Failure.openSSL("signature setup")
        }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else {
            throw Failure.openSSL("signature length")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            throw Failure.openSSL("signature")
        }
        return Array(signature.prefix(length))
    }

    /// A self-signed certificate for the key, valid from now for `days`, as PEM text.
    public func selfSignedCertificate(commonName: String, serial: Int, days: Int) throws -> String {
        guard let certificate = X509_new() else { throw Failure.openSSL("certificate") }
        defer { X509_free(certificate) }
        guard X509_set_version(certificate, 2) == 1,
            ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial) == 1,
            X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), days * 86_400) != nil,
            X509_set_pubkey(certificate, key) == 1, let name = X509_get_subject_name(certificate),
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0) == 1,
            X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, "Cairn", -1, -1, 0) == 1,
            X509_set_issuer_name(certificate, name) == 1, X509_sign(certificate, key, EVP_sha256()) > 0
        else { throw Failure.openSSL("certificate signing") }
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { throw Failure.openSSL("certificate encoding") }
        var der = [UInt8](repeating: 0, count: Int(length))
        der.withUnsafeMutableBufferPointer { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_X509(certificate, &pointer)
        }
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----\n"
    }
}
