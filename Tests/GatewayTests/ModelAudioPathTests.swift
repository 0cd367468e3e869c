import Foundation
@testable import Gateway
import MediaCore
import Realtime
import Testing

@Suite struct ModelAudioPathTests {
    /// 200 ms of a 440 Hz tone as μ-law.
    static let mulaw: [UInt8] = G711.encodeMulaw((0..<1600).map { Int16((sin(2 * Double.pi * 440 * Double($0) / 8000) * 12000).rounded()) })

    @Test func pcmuPassesBytesThrough() throws {
        let path = try ModelAudioPath(format: .pcmu)
        let inbound = try Self.mulaw.withUnsafeBufferPointer { try path.inbound($0) }
        #expect(inbound == Self.mulaw)
        let outbound = try path.outbound(Self.mulaw) { Array($0) }
        #expect(outbound == Self.mulaw)
    }

    @Test func pcmaRecodesPerSample() throws {
        let path = try ModelAudioPath(format: .pcma)
        let alaw = try Self.mulaw.withUnsafeBufferPointer { try path.inbound($0) }
        #expect(alaw.count == Self.mulaw.count && alaw != Self.mulaw)
        let m = G711.decodeMulaw(Self.mulaw), fromAlaw = G711.decodeAlaw(alaw)
        for i in m.indices { #expect(abs(Int(m[i]) - Int(fromAlaw[i])) <= max(16, abs(Int(m[i])) / 16)) }
        let back = try path.outbound(alaw) { Array($0) }
        #expect(back.count == Self.mulaw.count)
        // μ-law → A-law → μ-law stays within one quantisation step of the original.
        let a = G711.decodeMulaw(Self.mulaw), b = G711.decodeMulaw(back)
        for i in a.indices { #expect(abs(Int(a[i]) - Int(b[i])) <= max(16, abs(Int(a[i])) / 16)) }
    }

    /// pcm24k: output does not depend on how the input was chunked, in either direction.
    @Test(arguments: [1, 7, 160, 333])
    func pcm24kIsChunkInvariant(chunk: Int) throws {
        let whole = try ModelAudioPath(format: .pcm24k)
        let upWhole = try Self.mulaw.withUnsafeBufferPointer { try whole.inbound($0) }
        #expect(upWhole.count == Self.mulaw.count * 6, "×3 samples, 2 bytes each")
        let pieces = try ModelAudioPath(format: .pcm24k)
        var up: [UInt8] = []
        for start in stride(from: 0, to: Self.mulaw.count, by: chunk) {
            up += try Array(Self.mulaw[start..<min(Self.mulaw.count, start + chunk)]).withUnsafeBufferPointer { try pieces.inbound($0) }
        }
        #expect(up == upWhole)

        let downWhole = try ModelAudioPath(format: .pcm24k).outbound(upWhole) { Array($0) }
        let downPieces = try ModelAudioPath(format: .pcm24k)
        var down: [UInt8] = []
        // Odd chunk sizes split PCM16 samples across deltas: the path carries the odd byte over.
        for start in stride(from: 0, to: upWhole.count, by: chunk * 3) {
            down += try downPieces.outbound(Array(upWhole[start..<min(upWhole.count, start + chunk * 3)])) { Array($0) }
        }
        #expect(down == downWhole)
        #expect(abs(downWhole.count - Self.mulaw.count) <= 2)
    }
}
