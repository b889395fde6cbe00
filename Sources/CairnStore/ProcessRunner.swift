import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command to completion, optionally as another system user (via `runuser`, when we are root).
/// Uses posix_spawn and waitpid: `pg_ctl start` leaves a daemon behind, which must not keep us waiting.
/// Output goes to a file, never a pipe, for the same reason.
///
/// The child gets nothing of ours but what it is given: descriptors 0 (/dev/null), 1 and 2 (the output file),
/// every other descriptor closed (a PostgreSQL started while Cairn listens must not hold Cairn's HTTP socket
/// after Cairn dies), and `environment` instead of ours (no `CAIRN_*` setting, so never the root key).
/// This is the only place where Cairn starts a process, and the C types stay in this file.
struct ProcessRunner: Sendable {
    /// The whole environment of every child: our `PATH` (where `pg_config` is found) and the C locale.
    static let environment = [
        "PATH=" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"),
        "LANG=C",
    ]

    struct Failure: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let output: String
        var description: String { "\(command) exited with status \(status): \(output)" }
    }

    /// The system user to run as, or nil to run as ourselves.
    let user: String?

    @discardableResult
    func run(
        _ executable: String, _ arguments: [String], allowFailure: Bool = false
    ) throws -> (status: Int32, output: String) {
        let argv =
            user.map { [ProcessRunner.runuserPath, "-u", $0, "--", executable] + arguments } ?? [executable] + arguments
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-\(UUID().uuidString).out")
            .path
        defer { unlink(outputPath) }
        let status = try Self.spawnAndWait(argv, outputPath: outputPath)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        if status != 0 && !allowFailure {
            throw Failure(
                command: ([executable] + arguments).joined(separator: " "), status: status,
                output: output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return (status, output)
    }

    private static func spawnAndWait(_ argv: [String], outputPath: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)

        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for pointer in cArguments + cEnvironment { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else {
            throw Failure(
                command: argv.joined(separator: " "), status: spawned, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw Failure(command: argv.joined(separator: " "), status: -1, output: "waitpid failed")
            }
        }
        // WIFEXITED / WEXITSTATUS, written out: the macros are not imported into Swift.
        let terminatedBySignal = status & 0x7f
        return terminatedBySignal == 0 ? (status >> 8) & 0xff : 128 + terminatedBySignal
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// Adds the closing of every descriptor from 3 on to `actions`: with glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; looked up at run time because Swift imports
    /// `spawn.h` without `_GNU_SOURCE`), else one close per descriptor open now.
    private static func closeInheritedDescriptors(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>) {
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(actions, 3) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 {
            posix_spawn_file_actions_addclose(actions, descriptor)
        }
    }

    static var runuserPath: String {
        ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
            ?? "/usr/sbin/runuser"
    }
}
