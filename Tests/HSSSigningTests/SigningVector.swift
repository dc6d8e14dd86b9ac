import Foundation
import Testing

/// One entry of `Fixtures/signing-vectors.json`, made by the Python SDK's own signer.
struct SigningVector: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var kind: String
    var method: String
    var url: String
    var queryParamsGivenToSigner: [[String]]
    var headersGiven: [String: String]
    var body: String
    var accessKey: String
    var secretKey: String
    var xSdkDate: String
    var canonicalRequest: String
    var stringToSign: String
    var signedHeaders: String
    var signature: String
    var authorization: String
    var urlSent: String?
    var headersSentBySigner: [String: String]

    var testDescription: String { name }

    /// `scheme://authority`, authority, and the path of `url`, split by hand so that the
    /// percent-encoding of the path stays exactly as the SDK sent it.
    var urlParts: (origin: String, host: String, path: String) {
        let afterScheme = url.range(of: "://")!.upperBound
        let rest = url[afterScheme...]
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        let host = String(rest[..<pathStart])
        let pathAndQuery = rest[pathStart...]
        let path = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        return (String(url[..<afterScheme]) + host, host, path)
    }

    var query: [(name: String, value: String)] {
        queryParamsGivenToSigner.map { (name: $0[0], value: $0[1]) }
    }

    /// The headers in the order the JSON file lists them; `JSONDecoder` loses the order,
    /// and the order decides nothing in the signature, but a stable order keeps failures readable.
    var headers: [(name: String, value: String)] {
        headersGiven.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    static func loadAll() throws -> [SigningVector] {
        struct File: Decodable {
            var vectors: [SigningVector]
        }
        let url = try #require(Bundle.module.url(forResource: "signing-vectors", withExtension: "json", subdirectory: "Fixtures"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(File.self, from: Data(contentsOf: url)).vectors
    }
}
