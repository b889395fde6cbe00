import Foundation
import Testing

@testable import CairnObjects

/// Keys that are not plain paths (a log stream may be named `..` or `a//b`) stay inside the bucket's directory,
/// each under a path of its own.
@Suite struct DirectoryBucketTests {
    @Test func keysThatAreNotPlainPathsStayInsideTheRootAndApart() async throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-dir-\(UUID().uuidString)")
        let root = parent.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        let bucket = DirectoryBucket(root: root)
        let keys = ["t/../../escape.gz", "t/./x.gz", "t/a//b.gz", "t/a/b.gz", "t/%2E/x.gz", "/lead.gz"]
        for (index, key) in keys.enumerated() { try await bucket.put(key, [UInt8(index)]) }
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("escape.gz").path))
        let expected = [
            "t/%2E%2E/%2E%2E/escape.gz", "t/%2E/x.gz", "t/a/%/b.gz", "t/a/b.gz", "t/%252E/x.gz", "%/lead.gz",
        ]
        for (index, path) in expected.enumerated() {
            let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path)
            #expect(data.map(Array.init) == [UInt8(index)], "\(keys[index]) → \(path)")
        }
        await #expect(throws: ObjectStoreError.self) { try await bucket.put("", [0]) }
    }
}
