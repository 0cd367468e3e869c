import Foundation
import HummingbirdWSClient
import Logging
import MediaCore
import NIOWebSocket

/// A light callee for load tests: connects to the media stream as Twilio does, sends a 20 ms μ-law
/// frame every 20 ms of real time — silence with a tone burst at a fixed period — echoes marks as they
/// arrive, and measures each burst's round trip through the gateway and an echoing model.
/// Unlike ``SimulatedCallee`` it records no audio, so a thousand of them fit in memory.
public actor LoadCallee {
    /// The traffic one callee makes.
    public struct Settings: Sendable {
        public var seconds: Double = 30
        public var burstMilliseconds = 200
        public var burstEveryMilliseconds = 2000
        /// Where in the period this callee's bursts fall (spreads the load).
        public var offsetMilliseconds = 0
        /// Subtracted from each round trip as it is recorded (0: raw round trips); also bounds how long an
        /// echo is waited for (this + 1.5 s, with at least the burst and 500 ms of silence assumed).
        public var modelDelayMilliseconds = 0.0

        public init() {}
    }

    /// What one callee measured.
    public struct Result: Sendable {
        public var framesSent = 0
        public var framesReceived = 0
        public var bursts = 0
        /// Round trip of each echoed burst minus the model's delay, in ms.
        public var addedLatencies: [Double] = []
        /// Tone frames of a burst that never came back.
        public var lostFrames = 0
        /// Playback underruns inside an echoed burst (a frame later than its slot).
        public var gaps = 0
        public var error: String?
    }

    let settings: Settings
    let logger: Logger
    private var result = Result()
    private var pending: [ContinuousClock.Instant] = []
    private var echoStart: ContinuousClock.Instant?
    private var toneFramesHeard = 0
    private var gatewayClosed = false

    /// Frames as base64: silence, and one period of the tone.
    static let silenceBase64 = Data(repeating: G711.mulawSilence, count: 160).base64EncodedString()
    static let toneBase64: [String] = {
        let samples = (0..<1600).map { Int16((sin(2 * Double.pi * 1000 * Double($0) / 8000) * 16000).rounded()) }
        let mulaw = G711.encodeMulaw(samples)
        return (0..<10).map { Data(mulaw[($0 * 160)..<($0 * 160 + 160)]).base64EncodedString() }
    }()
    /// |sample| of each μ-law code.
    static let magnitude: [Int] = (0...255).map { abs(Int(G711.decodeMulawSample(UInt8($0)))) }

    public init(settings: Settings, logger: Logger? = nil) {
        self.settings = settings
        self.logger = logger ?? .quiet("load-callee")
    }

    /// Runs the callee of a call the simulated Twilio API answered.
    public func run(call: SimulatedCall) async -> Result {
        guard let url = call.streamURL else {
            result.error = "no <Stream> in the TwiML"
            return result
        }
        let streamSID = "MZload" + String(call.sid.suffix(26))
        let startText = TwilioStreamMessages.start(streamSID: streamSID, callSID: call.sid, accountSID: call.accountSID, parameters: call.streamParameters)
        let stopText = TwilioStreamMessages.stop(streamSID: streamSID, callSID: call.sid, accountSID: call.accountSID)
        do {
            try await WebSocketClient.connect(url: url, configuration: TwilioStreamMessages.clientConfiguration(signature: call.streamSignature), logger: logger) { inbound, outbound, _ in
                try await outbound.writeTextMessage(TwilioStreamMessages.connected)
                try await outbound.writeTextMessage(startText)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            if let echo = await self.received(text) { try await outbound.writeTextMessage(echo) }
                        }
                        await self.closedByGateway()
                    }
                    try await self.send(outbound: outbound, streamSID: streamSID)
                    try? await outbound.writeTextMessage(stopText)
                    try? await outbound.close(.normalClosure, reason: nil)
                    group.cancelAll()
                }
            }
        } catch {
            if result.framesSent == 0 { result.error = "\(error)" }
        }
        finishEcho()
        result.lostFrames += pending.count * (settings.burstMilliseconds / 20)
        return result
    }

    /// Sends a frame every 20 ms on a drift-free clock.
    private func send(outbound: WebSocketOutboundWriter, streamSID: String) async throws {
        let clock = ContinuousClock()
        let epoch = clock.now
        let frames = Int(settings.seconds * 50)
        let period = settings.burstEveryMilliseconds / 20, burst = settings.burstMilliseconds / 20, offset = settings.offsetMilliseconds / 20
        let head = #"{"event":"media","streamSid":"\#(streamSID)","media":{"track":"inbound","chunk":""#
        // No burst starts so late that its echo could not come back before the call ends.
        let lastBurst = frames - (max(Int(settings.modelDelayMilliseconds), settings.burstMilliseconds + 500) + 1000) / 20
        for chunk in 0..<frames {
            if gatewayClosed || Task.isCancelled { return }
            let phase = ((chunk - offset) % period + period) % period
            // Whole bursts only: one whose start would fall before the call's first frame is skipped.
            let inBurst = phase < burst && chunk - phase >= 0 && chunk - phase < lastBurst
            let payload = inBurst ? Self.toneBase64[phase % 10] : Self.silenceBase64
            if phase == 0 && inBurst {
                pending.append(clock.now)
                result.bursts += 1
            }
            try await outbound.writeTextMessage(head + "\(chunk + 1)\",\"timestamp\":\"\(chunk * 20)\",\"payload\":\"" + payload + "\"}}")
            result.framesSent += 1
            try await clock.sleep(until: epoch + .milliseconds((chunk + 1) * 20))
        }
    }

    /// A message from the gateway; returns the mark echo to send, if any.
    private func received(_ text: String) -> String? {
        if text.hasPrefix(#"{"event":"mark""#) { return text }
        guard text.hasPrefix(#"{"event":"media""#), let range = text.range(of: #""payload":""#) else { return nil }
        let tail = text[range.upperBound...]
        guard let end = tail.firstIndex(of: "\""), let data = Data(base64Encoded: String(tail[..<end])) else { return nil }
        result.framesReceived += 1
        var loud = 0
        for b in data where Self.magnitude[Int(b)] > 2000 { loud += 1 }
        let now = ContinuousClock.now
        // A burst whose echo never came (beyond the model's delay and 1.5 s) is lost, not matched to a later echo.
        let wait = max(Int(settings.modelDelayMilliseconds), settings.burstMilliseconds + 500) + 1500
        while let first = pending.first, echoStart == nil, now - first > .milliseconds(wait) {
            pending.removeFirst()
            result.lostFrames += settings.burstMilliseconds / 20
        }
        if loud > 20 {
            if echoStart == nil {
                echoStart = now
                toneFramesHeard = 0
                if !pending.isEmpty {
                    let sent = pending.removeFirst()
                    result.addedLatencies.append(Double((now - sent) / .microseconds(1)) / 1000 - settings.modelDelayMilliseconds)
                }
            } else if let start = echoStart, now > start + .milliseconds(20 * toneFramesHeard + 20) {
                result.gaps += 1
            }
            toneFramesHeard += 1
        } else if echoStart != nil {
            finishEcho()
        }
        return nil
    }

    private func finishEcho() {
        guard echoStart != nil else { return }
        result.lostFrames += max(0, settings.burstMilliseconds / 20 - toneFramesHeard)
        echoStart = nil
    }

    private func closedByGateway() { gatewayClosed = true }
}
