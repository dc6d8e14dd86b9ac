/// Character classes the name checks share.
enum UnicodeClass {
    /// C0 and C1 controls, DEL, and format characters (bidi overrides and isolates,
    /// zero-width joiners, the byte-order mark): characters that are invisible or
    /// reorder the text around them, so a name holding one does not read as what it is.
    static func isControlOrFormat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate: return true
        default: return scalar.properties.isBidiControl || scalar.properties.isDefaultIgnorableCodePoint
        }
    }
}
