import CairnCrypto
import Foundation
import Testing

struct SecretFileTests {
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func createdOwnerOnlyAndNeverOverwritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("root.key").path

        try SecretFile.create(at: path, contents: Array("first\n".utf8))
        #expect(try Self.mode(path) == 0o600)
        #expect(throws: SecretFile.Failure.exists(path)) { try SecretFile.create(at: path, contents: [1]) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")

        try SecretFile.replace(at: path, contents: Array("second\n".utf8))
        #expect(try Self.mode(path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["root.key"])
    }
}
