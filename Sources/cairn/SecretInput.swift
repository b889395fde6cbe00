import ArgumentParser
import Foundation

/// A secret given on the command line: as a value, as `-` (read from standard input), or as a file. The last
/// two keep it out of `ps` output and shell history. Surrounding whitespace and the final newline are dropped.
enum SecretInput {
    static func read(value: String?, file: String?) throws -> String {
        let text: String
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read the secret file \(file)")
            }
            text = String(decoding: data, as: UTF8.self)
        } else if value == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            text = value ?? ""
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw ValidationError("the secret is empty") }
        return secret
    }
}
