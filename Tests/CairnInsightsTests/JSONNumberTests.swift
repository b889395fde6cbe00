import Testing

@testable import CairnInsights

/// The fast reading of plain decimals gives exactly what `Double(_:)` gives, and leaves the rest to it.
@Suite struct JSONNumberTests {
    @Test func plainDecimalsAreCorrectlyRounded() {
        var generator = SystemRandomNumberGenerator()
        var fastOnes = 0
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...15, using: &generator)
            let mantissa = Int64.random(in: 0..<Int64(pow10(digits)), using: &generator)
            let fraction = Int.random(in: 0...digits, using: &generator)
            var text = String(mantissa)
            if fraction > 0 {
                text = String(repeating: "0", count: max(0, fraction + 1 - text.count)) + text
                text.insert(".", at: text.index(text.endIndex, offsetBy: -fraction))
            }
            if Bool.random(using: &generator) { text = "-" + text }
            // Nil (more than 15 digits with a leading zero): `Double(_:)` reads it.
            guard let fast = JSONTreeReader.plainDecimal(Array(text.utf8)[...]) else { continue }
            fastOnes += 1
            #expect(fast == Double(text), "\(text)")
        }
        #expect(fastOnes > 10_000)
    }

    @Test func everythingElseIsLeftToTheFullParser() {
        for text in ["1e5", "1.", "+5", "-", "", "1234567890123456", "0.1234567890123456", "1.2.3", "--1"] {
            #expect(JSONTreeReader.plainDecimal(Array(text.utf8)[...]) == nil, "\(text)")
        }
        #expect(JSONTreeReader.plainDecimal(Array("-0".utf8)[...])?.sign == .minus)
        #expect(JSONTreeReader.plainDecimal(Array(".5".utf8)[...]) == 0.5)
    }

    private func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * 10 } }
}
