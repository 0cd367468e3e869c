import Logging
import Realtime
import Testing

@Suite struct RealtimeClientTests {
    @Test func modelGoesInTheQuery() {
        var c = RealtimeClient.Configuration(url: "wss://api.openai.com/v1/realtime", model: "gpt-realtime", apiKey: "sk-fake")
        #expect(c.connectURL == "wss://api.openai.com/v1/realtime?model=gpt-realtime")
        c.url = "ws://127.0.0.1:1/v1/realtime?x=1"
        c.model = "a b/c"
        #expect(c.connectURL == "ws://127.0.0.1:1/v1/realtime?x=1&model=a%20b%2Fc")
    }

    @Test func unreachableServerIsATypedError() async {
        var c = RealtimeClient.Configuration(url: "ws://127.0.0.1:9/v1/realtime", model: "gpt-realtime", apiKey: "sk-fake")
        c.connectTimeout = .seconds(5)
        let client = RealtimeClient(configuration: c, logger: Logger(label: "test"))
        let (stream, continuation) = AsyncStream<String>.makeStream()
        continuation.finish()
        do {
            _ = try await client.run(outgoing: stream, onOpen: {}, onEvent: { _ in })
            Issue.record("connected to a closed port")
        } catch {
            guard case .failed(let url, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(url.hasPrefix("ws://127.0.0.1:9/v1/realtime?model="))
            #expect(error.description.contains("OPENAI_REALTIME_URL"))
        }
    }
}
