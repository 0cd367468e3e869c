import Foundation
import MediaCore

/// The Japanese speech clips bundled with the simulators (see Resources/README.md), 8 kHz mono.
public enum SpeechClip: String, Sendable, CaseIterable {
    case calleeMoshimoshi = "callee_moshimoshi_8k"
    case calleeInterrupt = "callee_interrupt_8k"
    case calleeSafe = "callee_safe_8k"
    case assistantGreeting = "assistant_greeting_8k"
    case assistantWait = "assistant_wait_8k"
    case assistantGoodbye = "assistant_goodbye_8k"

    /// What is said, as a transcript would read it.
    public var text: String {
        switch self {
        case .calleeMoshimoshi: "もしもし"
        case .calleeInterrupt: "あ、すみません、ちょっと待ってください。"
        case .calleeSafe: "はい、無事です。けがはありません。家族も大丈夫です。"
        case .assistantGreeting: "こちらは安否確認の自動音声です。地震がありましたが、ご無事ですか。"
        case .assistantWait: "はい、ゆっくりで大丈夫です。ご無事ですか。"
        case .assistantGoodbye: "ご無事で何よりです。記録しました。それでは失礼します。"
        }
    }

    /// The samples at 8 kHz.
    /// - Throws: ``SimulatorError/missingResource(_:)`` if the bundle is incomplete.
    public func samples() throws -> [Int16] {
        guard let url = Bundle.module.url(forResource: rawValue, withExtension: "wav", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: rawValue, withExtension: "wav") else {
            throw SimulatorError.missingResource("\(rawValue).wav")
        }
        return try WAVFile.readMono(path: url.path).samples
    }

    /// The clip as μ-law bytes at 8 kHz.
    public func mulaw() throws -> [UInt8] { G711.encodeMulaw(try samples()) }
}
