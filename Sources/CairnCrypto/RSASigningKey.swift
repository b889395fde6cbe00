import COpenSSL
import Foundation

/// An RSA key that signs with RSASSA-PKCS1-v1_5 over SHA-256, with a self-signed X.509 certificate for whoever
/// verifies: how SNS signs its messages (`SignatureVersion` 2). No C type leaves this file.
public final class RSASigningKey: @unchecked Sendable {
    public typealias Failure = AsymmetricKey.Failure

    private let pair: AsymmetricKey
    private var key: OpaquePointer { pair.key }

    private init(pair: AsymmetricKey) { self.pair = pair }

    /// A new key of `bits` bits.
    public static func generate(bits: Int = 2048) throws -> RSASigningKey {
        RSASigningKey(pair: try AsymmetricKey.generate(.rsa(bits: bits)))
    }

    /// The key from its DER encoding (PKCS #1 or PKCS #8), as `privateKeyDER` wrote it.
    public convenience init(privateKeyDER der: [UInt8]) throws {
        self.init(pair: try AsymmetricKey(privateKeyDER: der))
    }

    /// The private key, DER-encoded: secret material, to be sealed before it is stored.
    public var privateKeyDER: [UInt8] { pair.privateKeyDER }

    /// The RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try pair.sign(message, scheme: .rsaPKCS1(.sha256), isDigest: false)
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
