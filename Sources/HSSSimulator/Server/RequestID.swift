/// `X-Request-Id` values: 32 random lower-case hex digits, like Huawei Cloud's.
enum RequestID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<32).map { _ in digits[Int(generator.next() % 16)] })
    }
}
