/// Python's `repr` of a finite float, which `json.dumps` writes.
///
/// Swift's `description` and Python's `repr` both print the shortest digits that read back
/// as the same double (the closest such when there is a choice), so the digits are taken
/// from `description` and only the layout is redone Python's way (`float_repr_style`
/// `short`): with `0.DIGITS × 10^e`, an exponent is used when `e <= -4` or `e > 16`
/// (`1e-05`, `1e+16`, `1.5e+300`, at least two exponent digits); otherwise the plain
/// decimal, with `.0` when there is no fraction (`100.0`, `0.0001`).
enum PythonFloatRepr {
    static func repr(_ value: Double) -> String {
        precondition(value.isFinite, "only finite doubles have a JSON repr")
        let negative = value.sign == .minus
        let (digits, pointPosition) = decompose(value.magnitude.description)
        let sign = negative ? "-" : ""
        if digits.isEmpty {
            return sign + "0.0"
        }
        if pointPosition <= -4 || pointPosition > 16 {
            let exponent = pointPosition - 1
            var text = String(digits.first!)
            if digits.count > 1 { text += "." + digits.dropFirst() }
            let exponentDigits = String(abs(exponent))
            text += "e" + (exponent < 0 ? "-" : "+") + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
            return sign + text
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// The significant digits of a non-negative `description` (`"1.25e-07"`, `"120.0"`)
    /// without leading or trailing zeros, and `e` such that the value is `0.DIGITS × 10^e`;
    /// no digits for zero.
    static func decompose(_ text: String) -> (digits: String, pointPosition: Int) {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let integerPart = mantissa.prefix { $0 != "." }
        let fractionPart = mantissa.drop { $0 != "." }.dropFirst()
        var digits = String(integerPart) + fractionPart
        var pointPosition = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.last == "0" {
            digits.removeLast()
        }
        return (digits, pointPosition)
    }
}
