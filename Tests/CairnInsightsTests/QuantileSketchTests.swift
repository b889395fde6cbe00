import Testing

@testable import CairnInsights

/// `pct` keeps few values exactly and many in bounded buckets, 1 % from the true percentile.
@Suite struct QuantileSketchTests {
    @Test func fewValuesAreExact() {
        var sketch = QuantileSketch()
        for value in [5.0, 1, 4, 2, 3] { sketch.add(value) }
        #expect(sketch.percentile(50) == 3)
        #expect(sketch.percentile(100) == 5)
        #expect(sketch.percentile(0) == 1)
    }

    @Test func manyValuesStayWithinOnePercent() {
        var whole = QuantileSketch()
        var low = QuantileSketch()
        var high = QuantileSketch()
        for value in 1...100_000 {
            let number = Double(value)
            whole.add(number)
            if value <= 30_000 { low.add(number) } else { high.add(number) }
        }
        low.merge(high)
        for (p, truth) in [(50.0, 50_000.0), (90, 90_000), (99, 99_000), (99.9, 99_900)] {
            let estimate = try! #require(whole.percentile(p))
            #expect(abs(estimate - truth) / truth <= 0.0101, "p\(p): \(estimate)")
            #expect(low.percentile(p) == estimate, "merged p\(p)")
        }
        #expect(whole.count == 100_000)
    }

    @Test func negativeAndZeroValuesKeepTheirOrder() {
        var sketch = QuantileSketch()
        for value in -2000...2000 { sketch.add(Double(value)) }
        let median = try! #require(sketch.percentile(50))
        #expect(abs(median) <= 1)
        let low = try! #require(sketch.percentile(1))
        #expect(abs(low - -1960) / 1960 <= 0.0101)
    }
}
