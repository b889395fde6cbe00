import CairnStore
import PostgresNIO
import Testing

@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct MigratorTests {
    @Test func appliesEachMigrationOnceAndRefusesChangedFiles() async throws {
        try await TestDatabase.withFreshDatabase(migrated: false) { database in
            let migrations = try TestDatabase.migrations
            let migrator = Migrator(database: database)
            #expect(try await migrator.isCurrent(migrations) == false)
            #expect(try await migrator.migrate(migrations) == migrations.map(\.version))
            #expect(try await migrator.migrate(migrations) == [])
            #expect(try await migrator.isCurrent(migrations))

            var changed = migrations
            changed[0] = Migration(
                version: changed[0].version, name: changed[0].name, sql: changed[0].sql + "\n-- edit")
            await #expect(
                throws: MigrationError.changedAfterApplied(version: changed[0].version, name: changed[0].name)
            ) {
                try await migrator.migrate(changed)
            }
            #expect(try await migrator.isCurrent(changed) == false)
        }
    }

    @Test func failedMigrationLeavesNothingBehind() async throws {
        try await TestDatabase.withFreshDatabase(migrated: false) { database in
            let migrator = Migrator(database: database)
            let broken = [
                Migration(version: 1, name: "half", sql: "CREATE TABLE half_done (id int); SELECT no_such_function();")
            ]
            await #expect(throws: (any Error).self) { try await migrator.migrate(broken) }
            let rows = try await database.query("SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'")
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
        }
    }
}

@Suite struct SQLScriptTests {
    @Test func splitsAtTopLevelSemicolonsOnly() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'semi;colon');
            /* block; comment */ CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            INSERT INTO "we;ird" VALUES ('it''s; fine');
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix("CREATE TABLE a (x text DEFAULT 'semi;colon')"))
        #expect(statements[1].contains("$body$ SELECT 1; $body$"))
        #expect(statements[2] == #"INSERT INTO "we;ird" VALUES ('it''s; fine')"#)
        #expect(SQLScript.statements("-- only a comment\n").isEmpty)
    }
}
