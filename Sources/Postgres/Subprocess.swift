import Foundation

/// Runs a command to completion with `posix_spawn` and `waitpid` (the local cluster's
/// `pg_ctl`, and tests driving the CLI binaries).
///
/// Used instead of `Foundation.Process`, whose `waitUntilExit` was seen to hang here with the
/// child already exited (a zombie) when commands ran from concurrent tasks. Output goes to a
/// temporary file rather than a pipe, so a daemon that inherits the descriptor (the postmaster
/// started by `pg_ctl`) cannot keep the caller waiting for end-of-file.
public enum Subprocess {
    /// Runs `command` (an absolute executable path and its arguments) and returns its exit
    /// status with stdout and stderr interleaved. `environment` replaces the inherited one.
    public static func run(_ command: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        precondition(!command.isEmpty, "a command needs an executable")
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("subprocess-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let arguments: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var pid: pid_t = 0
        let environmentStrings: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for entry in environmentStrings ?? [] { free(entry) } }
        let spawned = environmentStrings.map { posix_spawn(&pid, command[0], &actions, nil, arguments, $0) }
            ?? posix_spawn(&pid, command[0], &actions, nil, arguments, environ)
        guard spawned == 0 else {
            throw LocalClusterError(message: "cannot start \(command[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw LocalClusterError(message: "waitpid failed: \(String(cString: strerror(errno)))") }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, output)
    }
}
