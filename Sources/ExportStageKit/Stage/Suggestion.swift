/// "Did you mean" hints for misspelt keys and values, for the loader and for
/// stages that check names of their own (the CSV stage's columns, say).
public enum Suggestion {
    /// The candidate closest to `word`, if it is close enough to be a typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let tolerance = max(1, min(3, word.count / 3))
        return best.distance <= tolerance ? best.candidate : nil
    }

    /// "did you mean 'x'?" or a list of the valid choices.
    public static func fix(for word: String, in candidates: [String]) -> String {
        if let match = closest(to: word, in: candidates) { return "did you mean '\(match)'?" }
        return "valid keys are " + candidates.map { "'\($0)'" }.joined(separator: ", ")
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
