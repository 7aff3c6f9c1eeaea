/// Users of Platform (the CLI, the tests) see the domain types without a second import.
@_exported import Domain
