extension Result where Failure == any Error {
    /// Captures the outcome of async work, so cleanup can run before the error is rethrown.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
