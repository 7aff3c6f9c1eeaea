import ArgumentParser

/// `platform-admin`: what ops engineers run — migrations, sites, users, tokens, the
/// development cluster, demo data and health checks.
@main
struct PlatformAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform-admin",
        abstract: "Operate the sites platform: migrations, sites, users, tokens, dev cluster, checks.",
        discussion: """
            Connection settings come from DATABASE_URL (the server's role, platform_app) and
            MIGRATION_DATABASE_URL (the owner, platform_owner), or the flags of each command.
            Without them, the development cluster under .data/ (see `dev up`) is used.

            Exit codes: 0 success; 1 error; 3 migration drift; 4 migration lock held;
            5 a migration failed; 6 lint findings; 7 doctor found problems; 64 bad usage.
            """,
        subcommands: [MigrateCommand.self, TenantCommand.self, UserCommand.self, TokenCommand.self, SeedCommand.self, DevCommand.self, DoctorCommand.self])
}
