import Foundation
import HSSSigning
import HSSSimulator
import Testing

@Suite("Authentication over HTTP")
struct AuthenticationTests {
    @Test("no credentials is 401 APIG.0301")
    func missingCredentials() async throws {
        try await withSimulator { client, simulator in
            let response = try await client.get(taskPath("export-vul-0001"))
            #expect(response.status == 401)
            #expect(response.requestID != nil)
            let body = try response.json()
            #expect(body["error_code"] == "APIG.0301")
            #expect(body["error_msg"]?.contains("X-Auth-Token") == true)
            let statistics = await simulator.statistics
            #expect(statistics.unauthorizedRequests == 1)
            #expect(statistics.polls.isEmpty)
        }
    }

    @Test("an unknown token is 401 and is not echoed")
    func badToken() async throws {
        try await withSimulator { client, _ in
            let response = try await client.getWithToken(taskPath("export-vul-0001"), token: "stolen-token-value")
            #expect(response.status == 401)
            #expect(try response.json()["error_code"] == "APIG.0301")
            #expect(!response.text.contains("stolen-token-value"))
        }
    }

    @Test("a good AK/SK signature with query and encoded path gets 200")
    func goodSignature() async throws {
        let scenario = try scenario(tasks: "  - {id: 'a/b c', script: [{status: success}]}")
        try await withSimulator(scenario) { client, _ in
            let response = try await client.getSigned(
                path: taskPath("a/b c"),
                query: [(name: "enterprise_project_id", value: "all_granted_eps"), (name: "a", value: "x y*")],
                credentials: exampleCredentials
            )
            #expect(response.status == 200, "\(response.text)")
            #expect(try response.json()["task_id"] == "a/b c")
        }
    }

    @Test("a signature made with a wrong secret key is 401 and leaks no key")
    func wrongSecretKey() async throws {
        try await withSimulator { client, _ in
            let wrong = AccessKeyCredentials(accessKey: exampleCredentials.accessKey, secretKey: "WrongSecretKey00000000000000000000000000")
            let response = try await client.getSigned(path: taskPath("export-vul-0001"), credentials: wrong)
            #expect(response.status == 401)
            let body = try response.json()
            #expect(body["error_code"] == "APIG.0301")
            #expect(body["error_msg"]?.contains("signature mismatch") == true)
            #expect(!response.text.contains(exampleCredentials.secretKey))
            #expect(!response.text.contains(wrong.secretKey))
        }
    }

    @Test("an unknown access key is 401 naming the key")
    func unknownAccessKey() async throws {
        try await withSimulator { client, _ in
            let other = AccessKeyCredentials(accessKey: "HPUAUNKNOWNAK0000000", secretKey: exampleCredentials.secretKey)
            let response = try await client.getSigned(path: taskPath("export-vul-0001"), credentials: other)
            #expect(response.status == 401)
            #expect(try response.json()["error_msg"]?.contains("unknown access key 'HPUAUNKNOWNAK0000000'") == true)
        }
    }

    @Test("an X-Sdk-Date more than 15 minutes off is 401")
    func clockSkew() async throws {
        try await withSimulator { client, _ in
            let response = try await client.getSigned(
                path: taskPath("export-vul-0001"),
                credentials: exampleCredentials,
                date: Date().addingTimeInterval(-3_600)
            )
            #expect(response.status == 401)
            #expect(try response.json()["error_msg"]?.contains("away from the server clock") == true)
        }
    }
}
