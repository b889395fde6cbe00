import ArgumentParser

@main
struct Cairn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "A self-hosted, multi-tenant log service that speaks the Amazon CloudWatch Logs API.",
        subcommands: [Serve.self, Migrate.self, Admin.self, BenchCommand.self])
}
