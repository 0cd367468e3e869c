import Twilio

/// Twilio's side of one media stream as a pure state machine: fed parsed
/// events, it checks their order, the stream token and the media format, and
/// says what the event means for the call. No I/O, so every protocol
/// violation can be tested without a socket.
public struct MediaStreamSession: Sendable {
    /// Where the stream is in Twilio's `connected → start → media… → stop` order.
    public enum State: Equatable, Sendable {
        case awaitingStart
        case streaming
        case stopped
    }

    /// What an accepted event means.
    public enum Outcome: Equatable, Sendable {
        /// Nothing for the call (`connected`).
        case none
        /// The stream is authorised: the call's claims and Twilio's ids.
        case started(StreamToken.Claims, TwilioStreamStart)
        /// Callee audio.
        case media(chunk: UInt32, timestamp: UInt32, payload: [UInt8])
        case mark(name: String)
        case dtmf(digit: String)
        /// Twilio ended the stream.
        case stopped
    }

    public private(set) var state: State = .awaitingStart
    public private(set) var start: TwilioStreamStart?
    public private(set) var claims: StreamToken.Claims?
    private let tokens: StreamToken

    public init(tokens: StreamToken) { self.tokens = tokens }

    /// Applies one event at time `now` (seconds since 1970); throws for anything out of protocol.
    public mutating func handle(_ event: TwilioStreamEvent, now: Int) throws(TwilioStreamError) -> Outcome {
        switch (state, event) {
        case (.stopped, _):
            throw .outOfOrder("message after stop")
        case (.awaitingStart, .connected):
            return .none
        case (.streaming, .connected):
            throw .outOfOrder("a second connected")
        case (.awaitingStart, .start(let s)):
            guard s.isMulaw8kMono else {
                throw .unsupportedFormat("\(s.encoding) \(s.sampleRate) Hz \(s.channels) ch; only audio/x-mulaw 8000 Hz mono")
            }
            let claims: StreamToken.Claims
            do {
                claims = try tokens.verify(s.customParameters, now: now)
            } catch {
                throw .unauthorized(error.description)
            }
            state = .streaming
            start = s
            self.claims = claims
            return .started(claims, s)
        case (.streaming, .start):
            throw .outOfOrder("a second start")
        case (.awaitingStart, _):
            throw .outOfOrder("\(Self.name(event)) before start")
        case (.streaming, .media(let chunk, let timestamp, let payload)):
            return .media(chunk: chunk, timestamp: timestamp, payload: payload)
        case (.streaming, .mark(let name)):
            return .mark(name: name)
        case (.streaming, .dtmf(let digit)):
            return .dtmf(digit: digit)
        case (.streaming, .stop):
            state = .stopped
            return .stopped
        }
    }

    static func name(_ event: TwilioStreamEvent) -> String {
        switch event {
        case .connected: "connected"
        case .start: "start"
        case .media: "media"
        case .mark: "mark"
        case .dtmf: "dtmf"
        case .stop: "stop"
        }
    }
}
