import CairnLogs
import CairnProtocol
import CairnServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServiceLifecycle
import Testing

/// One signed call of an operation script: a target, a JSON body in which `<<name>>` is replaced by a value an
/// earlier call captured, and the answer it must get.
struct ScriptedCall: Sendable {
    enum Expectation: Sendable {
        /// HTTP 200, with each fragment (placeholders filled) in the body.
        case success([String])
        /// AWS's error `type`, with `message` (when given) as the whole message.
        case error(String, message: String?)
    }

    let target: String
    let body: String
    let expectation: Expectation
    /// Placeholder name → the path of a string in the response (object keys, or list positions as numbers), taken
    /// for later calls.
    let captures: [String: [String]]
    /// Repeat the call until it succeeds with every fragment (for work a worker finishes later), for up to a minute.
    var eventually = false

    var isSuccess: Bool {
        if case .success = expectation { return true }
        return false
    }

    /// The service a target's signature names.
    var signingService: String {
        if target.hasPrefix("TrentService.") { return "kms" }
        if target.hasPrefix("GraniteServiceVersion20100801.") { return "monitoring" }
        if target.hasPrefix("AmazonSimpleNotificationService.") { return "sns" }
        return "logs"
    }
}

/// Builds scripts: `ok` for a call that must succeed, `fails` for one that must get an AWS error.
enum Script {
    static func ok(
        _ target: String, _ body: String, contains fragments: [String] = [], capture: [String: [String]] = [:]
    ) -> ScriptedCall {
        ScriptedCall(target: target, body: body, expectation: .success(fragments), captures: capture)
    }

    /// A call that must succeed with `fragments` once the workers have done their part.
    static func eventually(
        _ target: String, _ body: String, contains fragments: [String], capture: [String: [String]] = [:]
    ) -> ScriptedCall {
        var call = ScriptedCall(target: target, body: body, expectation: .success(fragments), captures: capture)
        call.eventually = true
        return call
    }

    static func fails(_ target: String, _ body: String, _ type: String, message: String? = nil) -> ScriptedCall {
        ScriptedCall(target: target, body: body, expectation: .error(type, message: message), captures: [:])
    }

    /// Runs `calls` in order against the application `cairn serve` runs, on a fresh database, signed by its
    /// admin key; `<<now>>` is the current time in milliseconds, `<<hourAgo>>` and `<<soon>>` an hour before and a
    /// minute after it in seconds.
    /// With `runningQueries`, a `QueryRunner` works the Logs Insights queue beside the API (the other workers do
    /// not run: the application under test has the `api` role).
    /// `setUp` runs first (what an administrator would have done); `worker` names one more service to run beside
    /// the API.
    static func run(
        _ calls: [ScriptedCall], runningQueries: Bool = false,
        setUp: (@Sendable (ApplicationDependencies) async throws -> Void)? = nil,
        worker: (@Sendable (ApplicationDependencies) -> any Service)? = nil
    ) async throws {
        try await ApplicationTests.withApplication { client, dependencies, _ in
            try await setUp?(dependencies)
            try await withThrowingTaskGroup(of: Void.self) { group in
                if runningQueries {
                    group.addTask { try await QueryRunner(logs: dependencies.logs, logger: TestDatabase.logger).run() }
                }
                if let service = worker?(dependencies) {
                    group.addTask { try await service.run() }
                }
                try await run(calls, client)
                group.cancelAll()
            }
        }
    }

    private static func run(_ calls: [ScriptedCall], _ client: any TestClientProtocol) async throws {
        do {
            let seconds = Int64(Date().timeIntervalSince1970)
            var values = [
                "now": String(seconds * 1000), "hourAgo": String(seconds - 3600), "soon": String(seconds + 60),
            ]
            for call in calls {
                let body = Array(fill(call.body, values).utf8)
                let deadline = ContinuousClock.now + .seconds(60)
                var status: HTTPResponse.Status
                var text: String
                repeat {
                    (status, text) = try await client.execute(
                        uri: "/", method: .post,
                        headers: ApplicationTests.signedHeaders(
                            target: call.target, body: body, service: call.signingService),
                        body: ByteBuffer(bytes: body)
                    ) { response in (response.status, String(buffer: response.body)) }
                    guard call.eventually, case .success(let fragments) = call.expectation,
                        status != .ok || !fragments.allSatisfy({ text.contains(fill($0, values)) }),
                        ContinuousClock.now < deadline
                    else { break }
                    try await Task.sleep(for: .milliseconds(100))
                } while true
                let answer = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                switch call.expectation {
                case .success(let fragments):
                    #expect(status == .ok, "\(call.target) \(fill(call.body, values)) → \(text)")
                    for fragment in fragments {
                        #expect(text.contains(fill(fragment, values)), "\(call.target): \(fragment) not in \(text)")
                    }
                case .error(let type, let message):
                    #expect((400..<500).contains(status.code), "\(call.target) → \(status.code) \(text)")
                    #expect(answer?["__type"] as? String == type, "\(call.target) → \(text)")
                    if let message {
                        let said = answer?["message"] as? String ?? answer?["Message"] as? String
                        #expect(said == message, "\(call.target) → \(text)")
                    }
                }
                for (name, path) in call.captures {
                    let value = path.reduce(answer as Any?) { node, key in
                        if let list = node as? [Any], let index = Int(key) {
                            return list.indices.contains(index) ? list[index] : nil
                        }
                        return (node as? [String: Any])?[key]
                    }
                    let captured = try #require(value as? String, "\(call.target): no \(path) in \(text)")
                    values[name] = captured
                }
            }
        }
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        var text = text
        for (name, value) in values { text = text.replacingOccurrences(of: "<<\(name)>>", with: value) }
        return text
    }
}
