import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The web console at `/console`: static pages and scripts that are part of the binary, and Chart.js from the
/// Debian package `libjs-chart.js` when it is installed. The console calls exactly the public API, signing each
/// request in the browser with the access key the user signed in with (SigV4, WebCrypto): it has no privileges
/// of its own, and a cross-site page cannot make a signed request (CSRF) without the secret.
enum ConsoleRoutes {
    /// Where Debian's libjs-chart.js puts Chart.js (UMD build).
    static let chartPaths = [
        "/usr/share/javascript/chart.js/chart.umd.js", "/usr/share/javascript/chart.js/chart.min.js",
    ]

    /// Script only from Cairn itself, no inline script or style, no framing, requests only to Cairn.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static func add(to router: Router<CairnRequestContext>) {
        router.get("/console") { _, _ in asset(named: "index.html") }
        router.get("/console/vendor/chart.js") { _, _ in chart() }
        router.get("/console/:file") { _, context in
            asset(named: context.parameters.get("file") ?? "")
        }
    }

    static func asset(named name: String) -> Response {
        guard let asset = ConsoleAssets.all[name] else {
            return response(.notFound, "text/plain; charset=utf-8", Array("no such console file\n".utf8))
        }
        return response(.ok, asset.contentType, Array(asset.text.utf8))
    }

    /// Chart.js from the system, or a script that tells the console it is missing.
    static func chart() -> Response {
        for path in chartPaths {
            if let data = FileManager.default.contents(atPath: path) {
                return response(.ok, "text/javascript; charset=utf-8", Array(data))
            }
        }
        return response(
            .ok, "text/javascript; charset=utf-8",
            Array("window.cairnChartMissing = 'Charts need Chart.js: apt-get install libjs-chart.js';\n".utf8))
    }

    static func response(_ status: HTTPResponse.Status, _ contentType: String, _ body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A file of the console.
struct ConsoleAsset {
    let contentType: String
    let text: String
}
