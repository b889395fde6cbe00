import Foundation

/// Where a delivery may connect. An address in a range that reaches the machine itself or the networks behind
/// it — loopback, private (RFC 1918, unique local), link-local (cloud metadata services live there), carrier
/// NAT, unspecified, multicast, reserved — is internal: a tenant's function may target it only when an
/// administrator allowed that function.
enum OutboundAddress {
    /// Whether `text` (an IPv4 or IPv6 literal) is an internal address; text that is not an address is internal
    /// too, so that nothing unparsed is let through.
    static func isInternal(_ text: String) -> Bool {
        let literal = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        if let v4 = ipv4(literal) { return isInternal(v4: v4) }
        guard let v6 = ipv6(literal) else { return true }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses are their IPv4 address.
        if v6[0..<10].allSatisfy({ $0 == 0 }), (v6[10] == 0xff && v6[11] == 0xff) || (v6[10] == 0 && v6[11] == 0) {
            let v4 = Array(v6[12..<16])
            if v6[10] == 0xff || v4 != [0, 0, 0, 1] && v4 != [0, 0, 0, 0] { return isInternal(v4: v4) }
        }
        if v6.allSatisfy({ $0 == 0 }) { return true }  // ::
        if v6[0..<15].allSatisfy({ $0 == 0 }) && v6[15] == 1 { return true }  // ::1
        if v6[0] & 0xfe == 0xfc { return true }  // fc00::/7 unique local
        if v6[0] == 0xfe && v6[1] & 0xc0 == 0x80 { return true }  // fe80::/10 link-local
        if v6[0] == 0xfe && v6[1] & 0xc0 == 0xc0 { return true }  // fec0::/10 site-local
        if v6[0] == 0xff { return true }  // multicast
        if v6[0] == 0x20 && v6[1] == 0x02 { return isInternal(v4: Array(v6[2..<6])) }  // 6to4
        if v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b {
            return isInternal(v4: Array(v6[12..<16]))
        }
        return false
    }

    static func isInternal(v4 a: [UInt8]) -> Bool {
        switch (a[0], a[1]) {
        case (0, _), (10, _), (127, _): true
        case (100, 64...127): true  // carrier-grade NAT
        case (169, 254): true  // link-local
        case (172, 16...31): true
        case (192, 168): true
        case (192, 0) where a[2] == 0: true  // IETF protocol assignments
        case (198, 18...19): true  // benchmarking
        case (224...255, _): true  // multicast, reserved, broadcast
        default: false
        }
    }

    /// Four bytes of a dotted-quad IPv4 literal.
    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// Sixteen bytes of an IPv6 literal (with `::` and an embedded IPv4 tail; a zone `%…` is ignored).
    static func ipv6(_ text: String) -> [UInt8]? {
        let address = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? ""
        guard address.contains(":") else { return nil }
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = ipv4(String(piece)) else { return nil }
                    bytes += v4
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xff)]
                }
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
