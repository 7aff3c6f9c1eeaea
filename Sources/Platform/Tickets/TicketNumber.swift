import Domain

/// A ticket's number in the site's one sequence per year (统一编号): `H01-2026-000123`.
///
/// Six digits at least, more when a site passes 999,999 records in a year — never cut:
/// `lpad` truncates to its length, which gave the millionth record of a year the number of
/// the 100,000th.
public enum TicketNumber {
    /// The SQL expression that formats a number from the expressions for the site code, the
    /// year and the sequence number.
    public static func sql(site: String, year: String, sequence: String) -> String {
        "\(site) || '-' || \(year) || '-' || lpad((\(sequence))::text, greatest(6, length((\(sequence))::text)), '0')"
    }
}
