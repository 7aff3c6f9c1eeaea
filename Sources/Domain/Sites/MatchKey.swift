import Foundation

/// Text as it is compared when two records must name the same place or the same matter:
/// compatibility-folded (full-width ＡＢ１２ as AB12), lower-cased, without spaces, with every
/// kind of dash as `-` and without the commas, stops and quotation marks people add while
/// typing. "3栋 2单元－1201" and "3栋2单元-1201" give one key; "1201" and "1202" stay two.
public enum MatchKey {
    public static func of(_ text: String?) -> String? {
        guard let text else { return nil }
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        var key = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            if CharacterSet.whitespacesAndNewlines.contains(scalar) || ignored.contains(scalar) { continue }
            key.append(scalar.properties.generalCategory == .dashPunctuation ? "-" : scalar)
        }
        let result = String(key)
        return result.isEmpty ? nil : result
    }

    static let ignored = CharacterSet(charactersIn: ",;'\"`、，。；：‘’“”「」『』")
}
