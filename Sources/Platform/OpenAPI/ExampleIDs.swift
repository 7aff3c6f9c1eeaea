/// The ids the document's examples use.
///
/// Fixed, so that examples stay valid JSON of the right shape and read the same on every
/// server; `scripts/fuzz-api` replaces each with the id of the demo group's record of the
/// same name (H01's engineering department, its first staff member, …) before fuzzing.
enum ExampleIDs {
    static let department = "0E5A0001-0000-4000-8000-000000000001"
    static let staff = "0E5A0001-0000-4000-8000-000000000002"
    static let post = "0E5A0001-0000-4000-8000-000000000003"
    static let item = "0E5A0001-0000-4000-8000-000000000004"
    static let window = "0E5A0001-0000-4000-8000-000000000005"
    static let template = "0E5A0001-0000-4000-8000-000000000006"
    static let ticket = "0E5A0001-0000-4000-8000-000000000007"
}
