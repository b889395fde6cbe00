import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

extension Configuration {
    /// Plain HTTP, or HTTPS when a certificate and key are configured: they are read now, so a missing or
    /// unreadable file ends the start with a message naming it.
    func httpServer() throws -> HTTPServerBuilder {
        switch (tlsCertificate, tlsKey) {
        case (nil, nil):
            return .http1()
        case (let certificate?, let key?):
            let chain: [NIOSSLCertificate]
            let privateKey: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(certificate)
            } catch {
                throw Invalid(
                    description:
                        "cannot read the TLS certificate \(certificate) (\(Setting.tlsCertificate.rawValue)): \(error)")
            }
            do {
                privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            } catch {
                throw Invalid(description: "cannot read the TLS key \(key) (\(Setting.tlsKey.rawValue)): \(error)")
            }
            guard !chain.isEmpty else {
                throw Invalid(description: "the TLS certificate file \(certificate) holds no certificate")
            }
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            return try .tls(.http1(), tlsConfiguration: tls)
        default:
            throw Invalid(
                description: "\(Setting.tlsCertificate.rawValue) / --tls-cert and \(Setting.tlsKey.rawValue) / "
                    + "--tls-key go together: give both or neither")
        }
    }
}
