import Domain
import Foundation
import Hummingbird

/// Spreadsheet exports: UTF-8 with a byte-order mark (so that Excel shows Chinese correctly),
/// CRLF line ends, fields quoted as RFC 4180 says.
enum CSVExport {
    /// Whether the caller asked for CSV: `?format=csv`, or an `Accept` header naming
    /// `text/csv` without `?format=json`.
    static func wanted(_ request: Request) throws -> Bool {
        if let format = try request.query("format", oneOf: ["json", "csv"]) { return format == "csv" }
        return request.headers[.accept]?.contains("text/csv") == true
    }

    static func response(header: [String], rows: [[String]], filename: String) -> Response {
        var csv = "\u{FEFF}" + header.map(field).joined(separator: ",") + "\r\n"
        for row in rows { csv += row.map(field).joined(separator: ",") + "\r\n" }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\""],
                        body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    /// A field, quoted when it holds a comma, quote or line break.
    static func field(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
