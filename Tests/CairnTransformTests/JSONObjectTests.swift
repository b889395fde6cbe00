import Testing

@testable import CairnTransform

/// `JSONObject` keeps a dictionary of positions once it has more than `indexedCount` keys; it must answer exactly as
/// a plain ordered list of pairs does, through additions, replacements and removals on both sides of that size.
@Suite("JSON objects")
struct JSONObjectTests {
    @Test("random operations give what an ordered list of pairs gives")
    func indexedObjectMatchesALinearModel() {
        var state: UInt64 = 0xD1B5_4A32_D192_ED03
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for _ in 0..<40 {
            var object = JSONObject()
            var model: [(key: String, value: JSONValue)] = []
            // Up to 80 distinct keys, so objects grow past the index's threshold and shrink back below it.
            for step in 0..<600 {
                let key = "k\(next() % 80)"
                let value = JSONValue.integer(Int64(step))
                switch next() % 4 {
                case 0, 1:
                    object[key] = value
                    if let at = model.firstIndex(where: { $0.key == key }) {
                        model[at].value = value
                    } else {
                        model.append((key, value))
                    }
                case 2:
                    let removed = object.removeValue(forKey: key)
                    let at = model.firstIndex(where: { $0.key == key })
                    #expect(removed == at.map { model[$0].value })
                    if let at { model.remove(at: at) }
                default:
                    let stored = object.setValue(value, forKey: key, overwrite: false)
                    #expect(stored == !model.contains { $0.key == key })
                    if stored { model.append((key, value)) }
                }
                #expect(object.keys == model.map(\.key))
                #expect(object.values == model.map(\.value))
                let probe = "k\(next() % 90)"
                #expect(object[probe] == model.first { $0.key == probe }?.value)
                #expect(object.index(of: probe) == model.firstIndex { $0.key == probe })
            }
        }
    }

    /// A message of 2,000 keys, some repeated: each keeps its first position and its last value.
    @Test func aLargeMessageParsesInOrder() throws {
        let pairs = (0..<2000).map { "\"key\($0 % 1500)\":\($0)" }.joined(separator: ",")
        let object = try ParseJSONStep.parseObject("{\(pairs)}")
        #expect(object.keys == (0..<1500).map { "key\($0)" })
        #expect(object["key10"] == .integer(1510) && object["key600"] == .integer(600))
    }
}
