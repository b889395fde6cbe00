import CairnStore
import Foundation
import PostgresNIO

/// A link lets a monitoring account read a source account's log groups.
public struct AccountLink: Sendable, Codable, Equatable {
    public let monitoringAccount: String
    public let sourceAccount: String
    public let createdAt: Int64
}

extension AccountDirectory {
    public enum LinkError: Error, CustomStringConvertible {
        case sameAccount
        case unknownAccount(String)
        case notLinked
        public var description: String {
            switch self {
            case .sameAccount: "an account cannot monitor itself"
            case .unknownAccount(let id): "no such account: \(id)"
            case .notLinked: "these accounts are not linked"
            }
        }
    }

    public func link(monitoring: String, source: String) async throws {
        guard monitoring != source else { throw LinkError.sameAccount }
        for account in [monitoring, source] where !(try await accountExists(account)) {
            throw LinkError.unknownAccount(account)
        }
        try await database.query(
            """
            INSERT INTO account_links (monitoring_account, source_account, created_at)
            VALUES (\(monitoring), \(source), \(WallClock.system.milliseconds)) ON CONFLICT DO NOTHING
            """)
    }

    public func unlink(monitoring: String, source: String) async throws {
        let rows = try await database.query(
            """
            DELETE FROM account_links WHERE monitoring_account = \(monitoring) AND source_account = \(source) RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return }
        throw LinkError.notLinked
    }

    public func links(account: String?) async throws -> [AccountLink] {
        let rows = try await database.query(
            """
            SELECT monitoring_account, source_account, created_at FROM account_links
            WHERE \(account)::text IS NULL OR monitoring_account = \(account) OR source_account = \(account)
            ORDER BY 1, 2
            """)
        var links: [AccountLink] = []
        for try await (monitoring, source, created) in rows.decode((String, String, Int64).self) {
            links.append(AccountLink(monitoringAccount: monitoring, sourceAccount: source, createdAt: created))
        }
        return links
    }

    /// Whether `monitoring` may read `source`'s log groups.
    public func isLinked(monitoring: String, source: String) async throws -> Bool {
        let rows = try await database.query(
            """
            SELECT 1 FROM account_links WHERE monitoring_account = \(monitoring) AND source_account = \(source)
            """)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// The source accounts `monitoring` may read.
    public func sources(of monitoring: String) async throws -> [String] {
        let rows = try await database.query(
            "SELECT source_account FROM account_links WHERE monitoring_account = \(monitoring) ORDER BY 1")
        var sources: [String] = []
        for try await source in rows.decode(String.self) { sources.append(source) }
        return sources
    }
}
