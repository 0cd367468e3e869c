#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file WAV reading and writing for short clips (the simulators' speech, the demo's recording).
/// Streaming conversion of long files is ``AudioConverter``'s job.
public enum WAVFile {
    /// The samples of a WAV file as mono PCM16 (stereo is mixed down), and its rate.
    /// - Throws: an error naming the file when it is missing or not a WAV file we read.
    public static func readMono(path: String) throws -> (sampleRate: Int, samples: [Int16]) {
        let reader = try AudioFileReader(path: path, format: .wav, chunkMilliseconds: 1000)
        var samples: [Int16] = []
        samples.reserveCapacity(reader.frameCount)
        while case let n = try reader.next(), n > 0 {
            samples += reader.samples[..<n]
        }
        return (reader.sampleRate, samples)
    }

    /// The bytes of a PCM16 WAV file holding `channels` (each one channel's samples; shorter ones are
    /// padded with silence), interleaved.
    public static func pcm16Data(sampleRate: Int, channels: [[Int16]]) -> [UInt8] {
        let frames = channels.map(\.count).max() ?? 0
        let count = max(1, channels.count)
        var out = WAVHeader.encode(encoding: .pcm16, sampleRate: sampleRate, dataLength: frames * 2 * count, channels: count)
        out.reserveCapacity(out.count + frames * 2 * count)
        for i in 0..<frames {
            for channel in channels {
                let v = UInt16(bitPattern: i < channel.count ? channel[i] : 0)
                out.append(UInt8(v & 0xFF))
                out.append(UInt8(v >> 8))
            }
        }
        return out
    }

    /// Writes a PCM16 WAV file atomically (a temporary file renamed into place).
    public static func write(path: String, sampleRate: Int, channels: [[Int16]]) throws {
        let bytes = pcm16Data(sampleRate: sampleRate, channels: channels)
        let temporary = "\(path).partial-\(getpid())"
        do {
            let file = try CFile(path: temporary, mode: "wb")
            try bytes.withUnsafeBytes { try file.write($0) }
            try file.close()
            guard rename(temporary, path) == 0 else {
                throw AudioConvertError("cannot move the recording to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
