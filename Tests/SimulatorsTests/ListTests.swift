import Foundation
import Simulators
import Testing
import Twilio

/// `OutgoingCallerIds.json` and `IncomingPhoneNumbers.json`: Twilio's list shape, filtered.
@Suite struct ListTests {
    @Test func callerIDsAreFilteredByPhoneNumber() async throws {
        try await SimulatorHarness.with { h in
            let path = "\(h.accountPath)/OutgoingCallerIds.json"
            let one = try await h.send("GET", path + "?PhoneNumber=%2B819012345678")
            #expect(one.status == 200)
            let items = try #require(one.json["outgoing_caller_ids"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items[0]["phone_number"] as? String == SimulatorHarness.verified)
            #expect((items[0]["sid"] as? String)?.hasPrefix("PN") == true && items[0]["account_sid"] as? String == SimulatorHarness.accountSID)
            #expect(one.json["page"] as? Int == 0 && one.json["page_size"] as? Int == 50 && one.json["next_page_uri"] is NSNull)
            #expect((one.json["uri"] as? String)?.contains("PhoneNumber=%2B819012345678") == true)

            let none = try await h.send("GET", path + "?PhoneNumber=%2B819099999999")
            #expect((none.json["outgoing_caller_ids"] as? [Any])?.isEmpty == true)
            let all = try await h.send("GET", path)
            #expect((all.json["outgoing_caller_ids"] as? [Any])?.count == 2)
        }
    }

    @Test func accountNumbersMatchPartiallyWithWildcardsAndPage() async throws {
        try await SimulatorHarness.with({ $0.accountNumbers = ["+15005550006", "+815012345678"] }) { h in
            let path = "\(h.accountPath)/IncomingPhoneNumbers.json"
            func numbers(_ query: String) async throws -> [String] {
                let reply = try await h.send("GET", path + query)
                return (reply.json["incoming_phone_numbers"] as? [[String: Any]] ?? []).compactMap { $0["phone_number"] as? String }
            }
            #expect(try await numbers("?PhoneNumber=%2B15005550006") == ["+15005550006"])
            #expect(try await numbers("?PhoneNumber=555") == ["+15005550006"])
            #expect(try await numbers("?PhoneNumber=%2B1500555000*") == ["+15005550006"])
            #expect(try await numbers("?PhoneNumber=%2B819") == [])
            #expect(try await numbers("").count == 2)

            let first = try await h.send("GET", path + "?PageSize=1")
            #expect((first.json["incoming_phone_numbers"] as? [Any])?.count == 1)
            let next = try #require(first.json["next_page_uri"] as? String)
            let second = try await h.send("GET", next)
            #expect((second.json["incoming_phone_numbers"] as? [Any])?.count == 1 && second.json["next_page_uri"] is NSNull)
            #expect(try await h.send("GET", path + "?PageSize=0").status == 400)
        }
    }

    @Test func ourRESTClientReadsBothLists() async throws {
        try await SimulatorHarness.with { h in
            let client = h.restClient()
            let verified = try #require(E164Number(SimulatorHarness.verified))
            let stranger = try #require(E164Number("+819099999999"))
            let own = try #require(E164Number(SimulatorHarness.from))
            #expect(try await client.isVerifiedCallerID(verified))
            #expect(try await !client.isVerifiedCallerID(stranger))
            #expect(try await client.isAccountNumber(own))
            #expect(try await !client.isAccountNumber(verified))
            let queries = await h.simulator.requests().map { $0.query.value("PhoneNumber") }
            #expect(queries == [SimulatorHarness.verified, "+819099999999", SimulatorHarness.from, SimulatorHarness.verified])
        }
    }
}
