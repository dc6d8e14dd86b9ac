/// One sample line of exposition-format text, with label values unescaped.
///
/// An independent reading of the format (not the stage's own code), so tests
/// can check what a scraper sees.
struct ExpositionSample: Equatable, CustomStringConvertible {
    var name: String
    var labels: [String: String]
    var value: String

    var description: String { "\(name)\(labels.sorted { $0.key < $1.key }) \(value)" }

    /// Every sample in `text`, skipping comments; throws on a malformed line.
    static func parse(_ text: String) throws -> [ExpositionSample] {
        try text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { try parseLine(Array($0.unicodeScalars)) }
    }

    private static func parseLine(_ scalars: [Unicode.Scalar]) throws -> ExpositionSample {
        var index = 0
        func take(while predicate: (Unicode.Scalar) -> Bool) -> String {
            var result = String.UnicodeScalarView()
            while index < scalars.count, predicate(scalars[index]) {
                result.append(scalars[index])
                index += 1
            }
            return String(result)
        }
        func expect(_ scalar: Unicode.Scalar) throws {
            guard index < scalars.count, scalars[index] == scalar else { throw MalformedLine(line: String(String.UnicodeScalarView(scalars))) }
            index += 1
        }
        let name = take { $0 != "{" && $0 != " " }
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while index < scalars.count, scalars[index] != "}" {
                let labelName = take { $0 != "=" }
                try expect("=")
                try expect("\"")
                var value = String.UnicodeScalarView()
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < scalars.count {
                        index += 1
                        switch scalars[index] {
                        case "n": value.append("\n")
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        default: throw MalformedLine(line: String(String.UnicodeScalarView(scalars)))
                        }
                    } else {
                        value.append(scalars[index])
                    }
                    index += 1
                }
                try expect("\"")
                labels[labelName] = String(value)
                if index < scalars.count, scalars[index] == "," { index += 1 }
            }
            try expect("}")
        }
        try expect(" ")
        let value = take { $0 != " " }
        return ExpositionSample(name: name, labels: labels, value: value)
    }

    struct MalformedLine: Error, CustomStringConvertible {
        var line: String
        var description: String { "malformed exposition line: \(line)" }
    }
}

extension [ExpositionSample] {
    /// The samples of `name` whose labels include `labels`.
    func matching(_ name: String, _ labels: [String: String] = [:]) -> [ExpositionSample] {
        filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }
}
