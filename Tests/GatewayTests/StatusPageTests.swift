import Foundation
import Gateway
import NIOHTTP1
import Testing

/// `GET /dashboard`: the page a browser shows — behind the API token (HTTP Basic for browsers),
/// reloading itself, with the campaigns, one campaign's people and the latest calls, all escaped.
@Suite struct StatusPageTests {
    static let basic = [("Authorization", "Basic " + Data("operator:\(CampaignTests.token)".utf8).base64EncodedString())]

    @Test func thePageShowsCampaignsPeopleAndCalls() async throws {
        let numbers = [OutboundCallTests.allowed, "+819011112222", "+819033334444"]
        try await OutboundCallTests.withSystem(variables: ["API_AUTH_TOKEN": CampaignTests.token], verified: numbers, configure: { config in
            config.callDuration = .milliseconds(50)
            config.unanswered["+819033334444"] = [.busy]
        }) { h, _ in
            let csv = "to_number,user_id\n\(numbers[0]),<script>alert(1)</script>\n\(numbers[1]),u-2\n\(numbers[2]),u-3\n"
            let (created, text) = try await h.send(.POST, "/campaigns?name=%E5%9C%B0%E9%9C%87%20%26%20%E6%B4%A5%E6%B3%A2&max_attempts=1",
                                                   body: csv, contentType: "text/csv", headers: CampaignTests.bearer)
            #expect(created == 201)
            let id = try #require(GatewayHarness.json(text)["campaign_id"] as? String)
            _ = try await CampaignTests.waitUntilDone(h, id)

            let (refused, headers, _) = try await h.sendWithHeaders(.GET, "/dashboard")
            #expect(refused == 401 && headers["WWW-Authenticate"].first?.hasPrefix("Basic") == true)
            let (status, pageHeaders, page) = try await h.sendWithHeaders(.GET, "/dashboard?campaign=\(id)", headers: Self.basic)
            #expect(status == 200 && pageHeaders["Content-Type"].first?.hasPrefix("text/html") == true)
            #expect(page.contains(#"<meta http-equiv="refresh" content="5">"#))
            #expect(page.contains("地震 &amp; 津波"))                    // the campaign's name, escaped
            #expect(page.contains("3 / 3") && page.contains(#"<span class="b ">busy 1</span>"#) && page.contains(#"<span class="b ">completed 2</span>"#))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>"))
            #expect(page.contains("+819011112222") && page.contains("u-3"))
            #expect(page.contains("Latest calls"))
            // The bearer token works too; a wrong Basic password does not.
            #expect(try await h.send(.GET, "/dashboard", headers: CampaignTests.bearer).0 == 200)
            let wrong = [("Authorization", "Basic " + Data("operator:nope".utf8).base64EncodedString())]
            #expect(try await h.send(.GET, "/dashboard", headers: wrong).0 == 401)
        }
    }

    @Test func anEmptyGatewayExplainsHowToStart() async throws {
        try await GatewayHarness.with { h in
            let (status, page) = try await h.send(.GET, "/dashboard")
            #expect(status == 200 && page.contains("anpi-call campaign start people.csv") && page.contains("No call yet."))
        }
    }
}
