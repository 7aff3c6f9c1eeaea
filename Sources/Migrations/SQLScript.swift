/// A SQL file split into statements, each with the line it starts on.
///
/// Understands what can hide a semicolon: quoted strings, quoted identifiers, dollar-quoted
/// bodies (`$$ … $$`, `$fn$ … $fn$`), line comments and nested block comments. Used to run
/// non-transactional migrations one statement at a time and to point lint findings at lines.
public struct SQLScript: Sendable {
    public struct Statement: Sendable, Equatable {
        /// The statement as written, without the trailing semicolon.
        public var text: String
        /// 1-based line of the statement's first non-blank character.
        public var line: Int
        /// Words and symbols outside comments and quoted text, upper-cased. String and
        /// dollar-quoted contents become a single `'…'` token so rules never match inside them.
        public var tokens: [String]
    }

    public var statements: [Statement]

    public init(_ sql: String) {
        statements = SQLScript.split(Array(sql.unicodeScalars))
    }

    private static func split(_ scalars: [Unicode.Scalar]) -> [Statement] {
        var statements: [Statement] = []
        var text = String.UnicodeScalarView()
        var tokens: [String] = []
        var word = ""
        var line = 1
        var startLine: Int?
        var index = 0

        func endWord() {
            if !word.isEmpty {
                tokens.append(word.uppercased())
                word = ""
            }
        }
        func finishStatement() {
            endWord()
            let body = String(text).trimmingWhitespace()
            if !body.isEmpty, let startLine {
                statements.append(Statement(text: body, line: startLine, tokens: tokens))
            }
            text = String.UnicodeScalarView()
            tokens = []
            startLine = nil
        }
        func take(_ count: Int) {
            for offset in 0..<count where index + offset < scalars.count {
                let scalar = scalars[index + offset]
                if scalar == "\n" { line += 1 }
                text.append(scalar)
            }
            index += count
        }
        func peek(_ offset: Int) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if startLine == nil, !scalar.properties.isWhitespace, !(scalar == "-" && peek(1) == "-"), !(scalar == "/" && peek(1) == "*") {
                startLine = line
            }
            switch scalar {
            case "-" where peek(1) == "-":
                endWord()
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
            case "/" where peek(1) == "*":
                endWord()
                var depth = 0
                repeat {
                    if peek(0) == "/" && peek(1) == "*" {
                        depth += 1
                        index += 2
                    } else if peek(0) == "*" && peek(1) == "/" {
                        depth -= 1
                        index += 2
                    } else {
                        if scalars[index] == "\n" { line += 1 }
                        index += 1
                    }
                } while depth > 0 && index < scalars.count
            case "'":
                let escapes = word.uppercased() == "E"
                if escapes { word = "" }
                endWord()
                take(1)
                while index < scalars.count {
                    if escapes, scalars[index] == "\\" {
                        take(2)
                    } else if scalars[index] == "'" {
                        if peek(1) == "'" { take(2) } else { take(1); break }
                    } else {
                        take(1)
                    }
                }
                tokens.append("'…'")
            case "\"":
                endWord()
                take(1)
                var identifier = ""
                while index < scalars.count {
                    if scalars[index] == "\"" {
                        if peek(1) == "\"" { identifier.append("\""); take(2) } else { take(1); break }
                    } else {
                        identifier.unicodeScalars.append(scalars[index])
                        take(1)
                    }
                }
                tokens.append(identifier.uppercased())
            case "$" where word.isEmpty:
                // A dollar quote: $tag$ where tag is empty or an identifier.
                var end = index + 1
                while end < scalars.count, scalars[end].properties.isAlphabetic || scalars[end] == "_" || (end > index + 1 && ("0"..."9").contains(scalars[end])) {
                    end += 1
                }
                if end < scalars.count, scalars[end] == "$" {
                    let tag = Array(scalars[index...end])
                    endWord()
                    take(tag.count)
                    while index < scalars.count {
                        if scalars[index] == "$", index + tag.count <= scalars.count, Array(scalars[index..<(index + tag.count)]) == tag {
                            take(tag.count)
                            break
                        }
                        take(1)
                    }
                    tokens.append("'…'")
                } else {
                    word.unicodeScalars.append(scalar)
                    take(1)
                }
            case ";":
                index += 1
                finishStatement()
            default:
                if scalar.properties.isAlphabetic || scalar == "_" || scalar == "$" || ("0"..."9").contains(scalar) || scalar == "." {
                    word.unicodeScalars.append(scalar)
                } else {
                    endWord()
                    if !scalar.properties.isWhitespace { tokens.append(String(scalar)) }
                }
                take(1)
            }
        }
        finishStatement()
        return statements
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
