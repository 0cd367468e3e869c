import ArgumentParser
import Logging
import Simulators
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `anpi-call simulate-twilio`: the simulated Twilio REST API on its own, to try the gateway without Twilio.
struct SimulateTwilioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-twilio",
        abstract: "Run the simulated Twilio REST API (a test tool) until SIGINT or SIGTERM.",
        discussion: """
            Point the gateway at it with the environment lines it prints; each call it receives is printed with its To and TwiML.

            GET /sim/calls lists the calls (TwiML, status callbacks) and GET /sim/requests every request. POST /sim/faults injects an error or a delay for an endpoint (createCall, fetchCall, updateCall, outgoingCallerIDs, incomingPhoneNumbers) or a destination; DELETE /sim/faults clears them:

            curl -X POST localhost:8081/sim/faults -d '{"endpoint":"createCall","status":503,"code":20503,"message":"down","times":3}'

            curl -X POST localhost:8081/sim/faults -d '{"to":"+819012345678","status":400,"code":21215,"message":"geo","shape":"problem"}'

            curl -X POST localhost:8081/sim/faults -d '{"endpoint":"createCall","delay_ms":15000}'
            """
    )

    @Option(help: "Address to listen on (loopback only unless --allow-remote).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8081

    @Option(name: .customLong("account-sid"), help: "The simulated account SID.")
    var accountSID = TwilioAPISimulator.Configuration().accountSID

    @Option(name: .customLong("auth-token"), help: "The simulated auth token.")
    var authToken = TwilioAPISimulator.Configuration().authToken

    @Option(name: .customLong("verified"), help: ArgumentHelp("A verified caller id (an allowed destination and From); repeat for more.", valueName: "E.164"))
    var verified: [String] = []

    @Option(name: .customLong("account-number"), help: ArgumentHelp("One of the account's own numbers (default +15005550006); repeat for more.", valueName: "E.164"))
    var accountNumbers: [String] = []

    @Option(name: .customLong("call-seconds"), help: "How long each answered call lasts before the simulated callee hangs up.")
    var callSeconds = 30.0

    @Option(name: .customLong("shuffle-callbacks"), help: ArgumentHelp("Send each call's status callbacks out of order, shuffled with this seed.", valueName: "seed"))
    var shuffleSeed: UInt64?

    @Flag(help: "Answer each call with the scripted simulated callee: it connects to the TwiML's <Stream> and talks (the demo's 安否確認 script).")
    var callee = false

    @Option(name: .customLong("unanswered"), help: ArgumentHelp("Leave calls to a number unanswered: NUMBER=OUTCOME[,OUTCOME…] (busy, no-answer, failed), one outcome per call, then answered; repeat for more.", valueName: "E.164=outcomes"))
    var unanswered: [String] = []

    @Flag(name: .customLong("no-callbacks"), help: "Do not send status callbacks.")
    var noCallbacks = false

    @Flag(name: .customLong("allow-remote"), help: "Allow a non-loopback --host.")
    var allowRemote = false

    /// `+819012345678=no-answer,busy` → the outcomes of that number's first calls.
    static func parseUnanswered(_ specs: [String]) throws -> [String: [SimulatedCall.Status]] {
        var out: [String: [SimulatedCall.Status]] = [:]
        for spec in specs {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            let outcomes = parts.count == 2 ? parts[1].split(separator: ",").map { SimulatedCall.Status(rawValue: String($0)) } : []
            guard parts.count == 2, !outcomes.isEmpty, outcomes.allSatisfy({ $0 == .busy || $0 == .noAnswer || $0 == .failed }) else {
                throw ValidationError("--unanswered '\(spec)' must be NUMBER=OUTCOME[,OUTCOME…] with busy, no-answer or failed")
            }
            out[parts[0]] = outcomes.compactMap { $0 }
        }
        return out
    }

    func validate() throws {
        guard allowRemote || Self.isLoopback(host) else {
            throw ValidationError("--host \(host) is not a loopback address; this is a test tool (add --allow-remote to insist)")
        }
        guard callSeconds >= 0 else { throw ValidationError("--call-seconds must not be negative") }
        _ = try Self.parseUnanswered(unanswered)
    }

    func run() async throws {
        var config = TwilioAPISimulator.Configuration()
        config.host = host
        config.port = port
        config.accountSID = accountSID
        config.authToken = authToken
        config.verifiedCallerIDs = Set(verified)
        if !accountNumbers.isEmpty { config.accountNumbers = Set(accountNumbers) }
        config.sendsStatusCallbacks = !noCallbacks
        config.unanswered = try Self.parseUnanswered(unanswered)
        config.callDuration = .milliseconds(Int64(callSeconds * 1000))
        if let shuffleSeed { config.callbackOrder = .shuffled(seed: shuffleSeed) }
        var logger = Logger(label: "twilio-simulator")
        logger.logLevel = .warning
        var dialer: TwilioAPISimulator.Dialer?
        if callee {
            dialer = { @Sendable (call: SimulatedCall) async -> Void in
                let recording = await SimulatedCallee().run(call: call)
                let summary = "call \(call.sid) callee: \(recording.ending.rawValue); heard \(recording.heard.count / 8) ms, said \(recording.said.count / 8) ms, \(recording.clears) clear(s)"
                Self.say(summary)
            }
        }
        let simulator = TwilioAPISimulator(configuration: config, logger: logger, dialer: dialer, observer: Self.show)
        let baseURL: String
        do {
            baseURL = try await simulator.start()
        } catch {
            StandardError.error("\(error)")
            throw ExitCode(1)
        }
        Self.say("simulated Twilio API on \(baseURL); point the gateway at it with:")
        Self.say("TWILIO_API_BASE_URL=\(baseURL)")
        Self.say("TWILIO_ACCOUNT_SID=\(accountSID)")
        Self.say("TWILIO_AUTH_TOKEN=\(authToken)")
        Self.say("PHONE_NUMBER_FROM=\(config.accountNumbers.sorted().first ?? "")")
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        for await _ in signals { break }
        await simulator.stop()
    }

    /// One line per call event, with the TwiML Twilio would have received.
    @Sendable static func show(_ event: SimulatedCallEvent) {
        let call = event.call
        switch event {
        case .created: say("call \(call.sid) To=\(call.to) From=\(call.from) \(call.twiml.map { "Twiml=\($0)" } ?? "Url=\(call.url ?? "")")")
        case .redirected: say("call \(call.sid) redirected \(call.twiml.map { "Twiml=\($0)" } ?? "Url=\(call.url ?? "")")")
        case .ended: say("call \(call.sid) \(call.status.rawValue) after \(call.duration ?? 0) s")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.split(separator: ".").first == "127" && host.split(separator: ".").count == 4
    }

    /// Writes a line to standard output unbuffered, so a pipe sees it at once.
    static func say(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(1, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}
