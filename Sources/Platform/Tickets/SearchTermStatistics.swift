import Foundation
import Postgres
import Synchronization

/// How common each two-character search term is, from PostgreSQL's own statistics
/// (`pg_stats.most_common_elems` of `tickets.search_terms`), refreshed every few minutes.
///
/// The planner estimates a multi-term `@>` by multiplying the terms' frequencies as if they
/// were independent. The pairs of one word never are (呼叫, 叫器, 器不, 不响 come together),
/// so it would expect a handful of rows where there are tens of thousands, and sort them
/// all. Searching by the query's rarest term alone gives it a true estimate; the whole
/// string is then checked with `strpos`.
final class SearchTermStatistics: Sendable {
    let database: PlatformDatabase
    let lifetime: Duration
    private let state = Mutex<(frequencies: [String: Double], floor: Double, expires: ContinuousClock.Instant?)>(([:], 0, nil))

    init(database: PlatformDatabase, lifetime: Duration = .seconds(600)) {
        self.database = database
        self.lifetime = lifetime
    }

    /// The term of `query` the index should look up: the least common one. Terms not among
    /// the most common elements are rarer than all of them.
    func rarestTerm(of query: String, scope: AccessScope) async -> String? {
        let terms = Self.terms(query)
        guard !terms.isEmpty else { return nil }
        let now = ContinuousClock.now
        if state.withLock({ $0.expires.map { $0 <= now } ?? true }) {
            await refresh(scope: scope, now: now)
        }
        let (frequencies, floor) = state.withLock { ($0.frequencies, $0.floor) }
        return terms.min { (frequencies[$0] ?? floor / 2, $0) < (frequencies[$1] ?? floor / 2, $1) }
    }

    private func refresh(scope: AccessScope, now: ContinuousClock.Instant) async {
        // Whatever happens, do not ask again for a while.
        state.withLock { $0.expires = now.advanced(by: lifetime) }
        do {
            let rows = try await database.pipeline(scope, [PostgresStatement(
                """
                SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats
                WHERE schemaname = 'public' AND tablename = 'tickets' AND attname = 'search_terms'
                """, prepared: false)])[0]
            guard let row = rows.first, let elems = try row.decodeIfPresent("elems", as: [String].self),
                let freqs = try row.decodeIfPresent("freqs", as: [Double].self) else { return }
            var frequencies: [String: Double] = [:]
            for (term, frequency) in zip(elems, freqs) { frequencies[term] = frequency }
            // The array ends with min, max and null frequency; the floor is the least common listed.
            let floor = freqs.count > elems.count ? freqs[elems.count] : (freqs.min() ?? 0)
            state.withLock { $0 = (frequencies, floor, now.advanced(by: lifetime)) }
        } catch {
            return
        }
    }

    /// The query's two-character terms, as `app.search_terms` makes them: lower-cased, by
    /// code point, without whitespace.
    static func terms(_ query: String) -> [String] {
        let scalars = Array(query.lowercased().unicodeScalars)
        guard scalars.count >= 2 else { return [] }
        var terms: Set<String> = []
        for index in 0..<(scalars.count - 1) {
            let pair = scalars[index...index + 1]
            guard !pair.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) }) else { continue }
            var term = ""
            term.unicodeScalars.append(contentsOf: pair)
            terms.insert(term)
        }
        return terms.sorted()
    }
}
