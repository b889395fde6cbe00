import Foundation

/// Runs a command to completion, optionally as another system user (via `runuser`, when we are root).
/// Output goes to a file, never a pipe: `pg_ctl start` leaves a daemon that would hold a pipe open.
struct ProcessRunner: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let output: String
        var description: String { "\(command) exited with status \(status): \(output)" }
    }

    /// The system user to run as, or nil to run as ourselves.
    let user: String?

    @discardableResult
    func run(_ executable: String, _ arguments: [String], allowFailure: Bool = false) throws -> (status: Int32, output: String) {
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: ProcessRunner.runuserPath)
            process.arguments = ["-u", user, "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let handle = try FileHandle(forWritingTo: outputURL)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? handle.close()
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        if process.terminationStatus != 0 && !allowFailure {
            throw Failure(
                command: ([executable] + arguments).joined(separator: " "), status: process.terminationStatus,
                output: output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return (process.terminationStatus, output)
    }

    static var runuserPath: String {
        ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? "/usr/sbin/runuser"
    }
}
