public import Foundation
public import Logging
public import PostgresNIO

/// Where Cairn keeps its state: an external PostgreSQL server, or the embedded cluster under the data directory.
public struct StoreLocation: Sendable {
    public let dataDirectory: URL
    public let databaseURL: String?

    public init(dataDirectory: URL, databaseURL: String?) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
    }

    /// The database to use. For the embedded default, prepares and starts the cluster if it is not running;
    /// `startedCluster` tells whether this process started it (and so must stop it).
    public func open(logger: Logger) throws -> OpenedStore {
        if let databaseURL {
            return OpenedStore(
                configuration: try DatabaseURL.configuration(databaseURL), cluster: nil, startedCluster: false)
        }
        let cluster = try EmbeddedCluster(dataDirectory: dataDirectory, logger: logger)
        try cluster.prepare(logger: logger)
        let started = try cluster.start(logger: logger)
        return OpenedStore(configuration: cluster.clientConfiguration, cluster: cluster, startedCluster: started)
    }
}

public struct OpenedStore: Sendable {
    public let configuration: PostgresClient.Configuration
    public let cluster: EmbeddedCluster?
    public let startedCluster: Bool
}
