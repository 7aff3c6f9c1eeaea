import Domain

/// A `CalendarDate` travels as PostgreSQL's `date` text, `YYYY-MM-DD`.
extension CalendarDate: PostgresEncodable, PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = CalendarDate(text) else { throw PostgresDecodingFailure.make(CalendarDate.self, text) }
        self = value
    }

    public var postgresText: String { description }
}
