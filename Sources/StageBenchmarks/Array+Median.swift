extension Array where Element: BinaryFloatingPoint {
    /// The middle value (the mean of the two middle ones for an even count);
    /// a median shrugs off the one slow run a shared machine tends to produce.
    var median: Element? {
        guard !isEmpty else { return nil }
        let sorted = self.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}

extension Array where Element == Int {
    /// The middle value, rounded down for an even count.
    var median: Int? {
        guard !isEmpty else { return nil }
        let sorted = self.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
