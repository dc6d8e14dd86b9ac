/// The bodies of the faults that answer with a page or garbage.
enum FaultPages {
    /// nginx's 502 page.
    static let badGateway =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
        + "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    /// A captive portal's sign-in page.
    static let portal =
        "<!DOCTYPE html>\n<html><head><title>Sign in to the network</title></head>\n"
        + "<body><form action=\"/login\" method=\"post\"><input name=\"user\"><input name=\"password\" type=\"password\"></form></body></html>\n"
    /// Bytes that are no JSON, with control characters a client must not echo raw.
    static let garbage = Array("]]>\u{7}\u{1B}[31m not json {\"task_status\": \u{0}".utf8)
}
