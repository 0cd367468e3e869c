@testable import Gateway
import Testing
import Twilio

/// The limiters with time as an argument: behaviour exactly at the edges, no waiting.
@Suite struct RateLimiterTests {
    @Test func aBucketSpendsItsMinuteThenRefillsEvenly() {
        var limiter = RateLimiter(perMinute: 3)
        #expect(limiter.take("a", now: 0) == 0)
        #expect(limiter.take("a", now: 0) == 0)
        #expect(limiter.take("a", now: 0) == 0)
        // Empty: one comes back every 20 s.
        #expect(limiter.take("a", now: 0) == 20)
        #expect(limiter.take("a", now: 15) == 5)
        #expect(limiter.take("a", now: 20) == 0)
        #expect(limiter.take("a", now: 20) == 20)
        // Keys are independent.
        #expect(limiter.take("b", now: 20) == 0)
    }

    @Test func idleKeysAreForgotten() {
        var limiter = RateLimiter(perMinute: 60)
        for i in 0..<1000 { _ = limiter.take("client-\(i)", now: 0) }
        #expect(limiter.keyCount == 1000)
        // A minute later every bucket is full again and the next spend sweeps them away.
        _ = limiter.take("late", now: 61)
        #expect(limiter.keyCount == 1)
    }

    final class FakeClock: @unchecked Sendable {
        var seconds = 0.0
    }

    static func admission(_ limits: CallLimits, clock: FakeClock) -> CallAdmission {
        CallAdmission(limits: limits, ringDeadlineSeconds: 120, clock: { clock.seconds })
    }

    static let tokyo = E164Number("+819012345678")!

    @Test func destinationsRatesAndConcurrency() async throws {
        let clock = FakeClock()
        let a = Self.admission(CallLimits(allowedDestinations: ["+81", "+1415"], maxConcurrentCalls: 3, callsPerMinute: 4, callsPerMinutePerDestination: 2), clock: clock)
        await #expect(throws: CallAdmission.Refusal.destinationNotAllowed(E164Number("+14085550100")!)) {
            try await a.admitOutbound(callID: "x", to: E164Number("+14085550100")!)
        }
        try await a.admitOutbound(callID: "c1", to: E164Number("+14155550100")!)
        try await a.admitOutbound(callID: "c2", to: Self.tokyo)
        try await a.admitOutbound(callID: "c3", to: Self.tokyo)
        #expect(await a.callsInProgress == 3)
        // Full: the cap answers before the rates.
        await #expect(throws: CallAdmission.Refusal.limited("3 calls are already in progress (MAX_CONCURRENT_CALLS)", retryAfterSeconds: 10)) {
            try await a.admitOutbound(callID: "c4", to: E164Number("+819000000000")!)
        }
        // A final status frees a ringing call; a refused create frees its slot at once.
        await a.placed(callID: "c1", callSID: "CA1")
        await a.status("ringing", callSID: "CA1")
        #expect(await a.callsInProgress == 3)
        await a.status("no-answer", callSID: "CA1")
        await a.notPlaced(callID: "c2")
        #expect(await a.callsInProgress == 1)
        // The third call to the same number within the minute: 2/min per number → wait 30 s.
        await #expect(throws: CallAdmission.Refusal.self) { try await a.admitOutbound(callID: "c5", to: Self.tokyo) }
        do {
            try await a.admitOutbound(callID: "c5", to: Self.tokyo)
        } catch {
            guard case .limited(let why, let after) = error else { Issue.record("\(error)"); return }
            #expect(why.contains("CALLS_PER_MINUTE_PER_DESTINATION") && !why.contains("12345678") && after == 30)
        }
        // Overall: 4/min, 3 spent; one more to another number, then the fifth waits.
        try await a.admitOutbound(callID: "c6", to: E164Number("+819000000001")!)
        do {
            try await a.admitOutbound(callID: "c7", to: E164Number("+819000000002")!)
            Issue.record("the fifth call in a minute was admitted")
        } catch {
            guard case .limited(let why, let after) = error else { Issue.record("\(error)"); return }
            #expect(why.contains("(CALLS_PER_MINUTE)") && after == 15)
        }
        // A stream frees nothing until it ends; a call that never streams is forgotten after the ring deadline.
        await a.streamStarted(callID: "c3")
        #expect(await a.activeStreams == 1)
        clock.seconds = 121
        #expect(await a.callsInProgress == 1)
        await a.streamEnded(callID: "c3")
        #expect(await a.callsInProgress == 0)
    }

    @Test func drainingRefusesEverything() async throws {
        let a = Self.admission(CallLimits(), clock: FakeClock())
        #expect(await a.admitsInbound())
        await a.startDraining()
        #expect(await !a.admitsInbound())
        await #expect(throws: CallAdmission.Refusal.draining) { try await a.admitOutbound(callID: "c", to: Self.tokyo) }
    }

    @Test func perClientAPILimit() async {
        let clock = FakeClock()
        let a = Self.admission(CallLimits(apiRequestsPerMinute: 2), clock: clock)
        #expect(await a.admitRequest(from: "10.0.0.1") == nil)
        #expect(await a.admitRequest(from: "10.0.0.1") == nil)
        #expect(await a.admitRequest(from: "10.0.0.1") == 30)
        #expect(await a.admitRequest(from: "10.0.0.2") == nil)
        clock.seconds = 30
        #expect(await a.admitRequest(from: "10.0.0.1") == nil)
    }

    @Test func limitsFromTheEnvironment() throws {
        var env = GatewayConfigurationTests.required
        #expect(try GatewayConfiguration(variables: env).limits == CallLimits())
        env["ALLOWED_DESTINATIONS"] = " +81, +1415 ,"
        env["MAX_CONCURRENT_CALLS"] = "7"
        env["TRUST_FORWARDED_FOR"] = "yes"
        let limits = try GatewayConfiguration(variables: env).limits
        #expect(limits.allowedDestinations == ["+81", "+1415"] && limits.maxConcurrentCalls == 7 && limits.trustForwardedFor)
        #expect(limits.allows(E164Number("+14155550100")!) && !limits.allows(E164Number("+14085550100")!))
        for bad in ["81", "+8a", "+", ",", "+81;+1"] {
            env["ALLOWED_DESTINATIONS"] = bad
            #expect(throws: ConfigurationError.self, "\(bad)") { try GatewayConfiguration(variables: env) }
        }
        env["ALLOWED_DESTINATIONS"] = "*"
        #expect(try GatewayConfiguration(variables: env).limits.allows(E164Number("+4420000000")!))
        env["TRUST_FORWARDED_FOR"] = "perhaps"
        #expect(throws: ConfigurationError("TRUST_FORWARDED_FOR must be true or false, not 'perhaps'")) { try GatewayConfiguration(variables: env) }
    }
}
