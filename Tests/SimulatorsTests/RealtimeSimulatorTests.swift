import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Realtime
import Simulators
import Testing

/// The simulated Realtime server holds a client to the GA protocol, as the real one does.
@Suite(.timeLimit(.minutes(1)))
struct RealtimeSimulatorTests {
    /// Connects with `RealtimeClient`, sends `texts`, and collects the server's events until `stop` says so.
    func exchange(_ texts: [String], configuration: RealtimeSimulator.Configuration = .init(), until stop: @escaping @Sendable ([RealtimeServerEvent]) -> Bool) async throws -> ([RealtimeServerEvent], [RealtimeSessionRecord]) {
        let simulator = RealtimeSimulator(configuration: configuration)
        let url = try await simulator.start()
        let client = RealtimeClient(configuration: .init(url: url, model: "gpt-realtime", apiKey: "sk-simulated"), logger: Logger(label: "test"))
        let (outgoing, out) = AsyncStream<String>.makeStream()
        for t in texts { out.yield(t) }
        let events = EventLog()
        _ = try await client.run(outgoing: outgoing, onOpen: {}, onEvent: { event in
            if await events.add(event, stop) { out.finish() }
        })
        await simulator.waitForEndedSessions(1)
        let sessions = await simulator.sessions()
        await simulator.stop()
        return (await events.all, sessions)
    }

    func errors(_ events: [RealtimeServerEvent]) -> [String] {
        events.compactMap { if case .error(_, let code, _, _) = $0 { code } else { nil } }
    }

    @Test func gaSessionUpdateIsAccepted() async throws {
        var session = RealtimeSessionConfiguration(model: "gpt-realtime", instructions: "やさしく", audioFormat: .pcma)
        session.tools = SafetyConfirmationTools.all
        let (events, sessions) = try await exchange([RealtimeClientEvent.sessionUpdate(session).json()]) { $0.contains(.sessionUpdated) }
        #expect(events.first == .sessionCreated(sessionID: "sess_sim1"))
        #expect(events.contains(.sessionUpdated))
        let record = try #require(sessions.first)
        #expect(record.model == "gpt-realtime" && record.authorization == "Bearer sk-simulated")
        #expect(record.inputFormat == .pcma && record.outputFormat == .pcma && record.instructions == "やさしく")
    }

    @Test(arguments: [
        (#"{"type":"session.update","session":{"modalities":["audio","text"],"input_audio_format":"g711_ulaw"}}"#, "unknown_parameter"),
        (#"{"type":"session.update","session":{"instructions":"x"}}"#, "missing_required_parameter"),
        (#"{"type":"session.update","session":{"type":"realtime","audio":{"input":{"format":{"type":"audio/pcm","rate":16000}}}}}"#, "invalid_value"),
        (#"{"type":"response.cancel"}"#, "response_cancel_not_active"),
        (#"{"type":"conversation.item.truncate","item_id":"item_nope","content_index":0,"audio_end_ms":10}"#, "invalid_value"),
        (#"{"type":"response.audio.delta"}"#, "invalid_value"),
    ])
    func outOfProtocolEventsAreRefusedWithAnError(text: String, code: String) async throws {
        let (events, _) = try await exchange([text]) { events in events.contains { if case .error = $0 { true } else { false } } }
        #expect(errors(events) == [code])
        #expect(!events.contains(.sessionUpdated))
    }

    @Test func missingBearerIsRefused() async throws {
        let simulator = RealtimeSimulator()
        let url = try await simulator.start()
        await #expect(throws: (any Error).self) {
            try await WebSocketClient.connect(url: url + "?model=gpt-realtime", logger: Logger(label: "test")) { _, _, _ in }
        }
        #expect(await simulator.sessions().isEmpty)
        await simulator.stop()
    }

    @Test func betaHeaderGetsTheBetaErrorAndClose4000() async throws {
        let simulator = RealtimeSimulator()
        let url = try await simulator.start()
        var headers = HTTPFields()
        headers[.authorization] = "Bearer sk-simulated"
        headers[HTTPField.Name("OpenAI-Beta")!] = "realtime=v1"
        let received = EventLog()
        let close = try await WebSocketClient.connect(url: url + "?model=gpt-realtime", configuration: .init(additionalHeaders: headers), logger: Logger(label: "test")) { inbound, _, _ in
            for try await message in inbound.messages(maxSize: 1 << 20) {
                if case .text(let t) = message { _ = await received.add(try RealtimeServerEvent.parse(t), { _ in false }) }
            }
        }
        #expect(errors(await received.all) == ["beta_api_shape_disabled"])
        #expect(close.map { UInt16(webSocketErrorCode: $0.closeCode) } == 4000)
        await simulator.stop()
    }

    /// A response is streamed as deltas of varying size; a truncate beyond what was sent is refused.
    @Test func responsesAndTruncation() async throws {
        var session = RealtimeSessionConfiguration(model: "gpt-realtime", instructions: "", audioFormat: .pcmu)
        session.interruptResponse = true
        let texts = [RealtimeClientEvent.sessionUpdate(session).json(), RealtimeClientEvent.createResponse.json()]
        let (events, _) = try await exchange(texts) { $0.contains { if case .responseDone = $0 { true } else { false } } }
        var sizes = Set<Int>()
        var item = ""
        var total = 0
        for case .audioDelta(_, let id, let audio) in events {
            sizes.insert(audio.count)
            item = id
            total += audio.count
        }
        #expect(sizes.count > 3, "delta sizes vary")
        let greeting = try SpeechClip.assistantGreeting.samples().count
        #expect(total == greeting, "the whole greeting, one μ-law byte per sample")
        #expect(events.contains(.responseDone(responseID: "resp_sim1", status: "completed", reason: nil)))
        #expect(!item.isEmpty)
    }
}

actor EventLog {
    private(set) var all: [RealtimeServerEvent] = []
    private var stopped = false

    /// Adds an event; true the first time `stop` holds.
    func add(_ e: RealtimeServerEvent, _ stop: ([RealtimeServerEvent]) -> Bool) -> Bool {
        all.append(e)
        guard !stopped, stop(all) else { return false }
        stopped = true
        return true
    }
}
