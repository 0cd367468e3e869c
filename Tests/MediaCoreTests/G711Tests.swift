import CAnpiMedia
import Foundation
import MediaCore
import Testing

/// G.711 against the ITU-T G.191 conformance vectors: every input, every code, every path.
@Suite struct G711Tests {
    static let ulawEncode = [UInt8](TestResources.data("g711/ulaw_encode.u8"))
    static let alawEncode = [UInt8](TestResources.data("g711/alaw_encode.u8"))
    static let ulawDecode = decodeS16LE(TestResources.data("g711/ulaw_decode.s16le"))
    static let alawDecode = decodeS16LE(TestResources.data("g711/alaw_decode.s16le"))
    /// All 65,536 int16 inputs in vector order: index i is the sample whose bit pattern is i.
    static let allInputs: [Int16] = (0...0xFFFF).map { Int16(bitPattern: UInt16($0)) }

    static func decodeS16LE(_ data: Data) -> [Int16] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
    }

    @Test func vectorsHaveTheirDocumentedSizes() {
        #expect(Self.ulawEncode.count == 65536)
        #expect(Self.alawEncode.count == 65536)
        #expect(Self.ulawDecode.count == 256)
        #expect(Self.alawDecode.count == 256)
    }

    @Test func referenceEncodersMatchG191ForAllInputs() {
        var ulawMismatches = 0, alawMismatches = 0
        for (i, x) in Self.allInputs.enumerated() {
            if anpi_ulaw_encode_ref(x) != Self.ulawEncode[i] { ulawMismatches += 1 }
            if anpi_alaw_encode_ref(x) != Self.alawEncode[i] { alawMismatches += 1 }
        }
        #expect(ulawMismatches == 0)
        #expect(alawMismatches == 0)
    }

    @Test func fastEncodersMatchG191ForAllInputs() {
        #expect(G711.encodeMulaw(Self.allInputs) == Self.ulawEncode)
        #expect(G711.encodeAlaw(Self.allInputs) == Self.alawEncode)
    }

    @Test func decodersMatchG191ForAllCodes() {
        let codes = (0...255).map { UInt8($0) }
        #expect(codes.map { anpi_ulaw_decode_ref($0) } == Self.ulawDecode)
        #expect(codes.map { anpi_alaw_decode_ref($0) } == Self.alawDecode)
        #expect(G711.decodeMulaw(codes) == Self.ulawDecode)
        #expect(G711.decodeAlaw(codes) == Self.alawDecode)
        #expect(codes.map(G711.decodeMulawSample) == Self.ulawDecode)
        #expect(codes.map(G711.decodeAlawSample) == Self.alawDecode)
    }

    @Test func silenceAndSignConventions() {
        #expect(anpi_ulaw_encode_ref(0) == 0xFF)
        #expect(anpi_ulaw_encode_ref(-1) == 0x7F)
        #expect(anpi_ulaw_decode_ref(G711.mulawSilence) == 0)
        #expect(anpi_alaw_decode_ref(G711.alawSilence) == 8)  // A-law has no zero: the smallest step
        #expect(G711.mulawSilence == ANPI_ULAW_SILENCE)
        #expect(G711.alawSilence == ANPI_ALAW_SILENCE)
    }

    @Test func transcodingIsDecodeThenEncodeForAllCodes() {
        let codes = (0...255).map { UInt8($0) }
        var toAlaw = [UInt8](repeating: 0, count: 256), toMulaw = [UInt8](repeating: 0, count: 256)
        codes.withUnsafeBufferPointer { src in
            toAlaw.withUnsafeMutableBufferPointer { G711.mulawToAlaw(src, into: $0) }
            toMulaw.withUnsafeMutableBufferPointer { G711.alawToMulaw(src, into: $0) }
        }
        for c in 0..<256 {
            #expect(toAlaw[c] == Self.alawEncode[Int(UInt16(bitPattern: Self.ulawDecode[c]))], "μ-law \(c)")
            #expect(toMulaw[c] == Self.ulawEncode[Int(UInt16(bitPattern: Self.alawDecode[c]))], "A-law \(c)")
        }
    }

    @Test func transcodingWorksInPlace() {
        var codes = (0...255).map { UInt8($0) }
        let expected = codes.map { Self.alawEncode[Int(UInt16(bitPattern: Self.ulawDecode[Int($0)]))] }
        codes.withUnsafeMutableBufferPointer { buf in
            anpi_ulaw_to_alaw(buf.baseAddress, buf.baseAddress, buf.count)
        }
        #expect(codes == expected)
    }

    @Test func decodeThenEncodeIsIdentityExceptNegativeZero() {
        // μ-law has two zeros (0x7F, 0xFF) and both decode to 0, which encodes to 0xFF.
        for c in 0...255 {
            let code = UInt8(c)
            let back = anpi_ulaw_encode_ref(anpi_ulaw_decode_ref(code))
            #expect(back == (code == 0x7F ? 0xFF : code))
            #expect(anpi_alaw_encode_ref(anpi_alaw_decode_ref(code)) == code)
        }
    }
}
