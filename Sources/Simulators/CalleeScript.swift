import MediaCore

/// What the simulated callee says and when: each line waits for its trigger, counted from the end of
/// the previous line (or from the answer, for the first).
public struct CalleeScript: Sendable {
    /// When a line starts.
    public enum Trigger: Sendable, Equatable {
        /// This many ms after the stream started (first line) or after the previous line ended.
        case after(milliseconds: Int)
        /// Once this many ms of assistant audio have been heard since the previous line ended: a barge-in.
        case afterHearing(milliseconds: Int)
        /// Once assistant audio was heard since the previous line and then stayed silent this long.
        case afterSilence(milliseconds: Int)
    }

    /// One utterance.
    public struct Line: Sendable {
        /// 8 kHz samples, or nil to use `clip`.
        public var samples: [Int16]?
        public var clip: SpeechClip?
        public var text: String
        public var trigger: Trigger
        public init(_ clip: SpeechClip, _ trigger: Trigger) {
            self.clip = clip
            self.text = clip.text
            self.trigger = trigger
        }

        /// A line of any audio (a tone, noise) at 8 kHz.
        public init(samples: [Int16], text: String, _ trigger: Trigger) {
            self.samples = samples
            self.text = text
            self.trigger = trigger
        }

        /// The line as μ-law.
        func mulaw() throws -> [UInt8] {
            if let samples { return G711.encodeMulaw(samples) }
            return try clip?.mulaw() ?? []
        }
    }

    /// How the callee leaves the call by itself (otherwise it stays until the gateway or Twilio ends it).
    public enum Leaving: Sendable, Equatable {
        /// Stays on the line.
        case never
        /// Hangs up (Twilio sends `stop`) this many ms after the stream started.
        case hangUp(afterMilliseconds: Int)
        /// The socket drops without `stop` this many ms after the stream started.
        case dropSocket(afterMilliseconds: Int)
    }

    public var lines: [Line]
    public var leaving: Leaving
    /// The longest the callee stays on the line whatever happens.
    public var maxMilliseconds: Int

    public init(lines: [Line], leaving: Leaving = .never, maxMilliseconds: Int = 120_000) {
        self.lines = lines
        self.leaving = leaving
        self.maxMilliseconds = maxMilliseconds
    }

    /// The callee of the safety-confirmation demo: 「もしもし」, cuts into the greeting, then answers.
    public static let safetyConfirmation = CalleeScript(lines: [
        Line(.calleeMoshimoshi, .after(milliseconds: 400)),
        Line(.calleeInterrupt, .afterHearing(milliseconds: 1800)),
        Line(.calleeSafe, .afterSilence(milliseconds: 600)),
    ])
}
