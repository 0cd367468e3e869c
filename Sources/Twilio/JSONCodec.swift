import Foundation

/// JSON helpers shared by the Twilio types (Foundation's coders, used off the media path).
enum JSONCodec {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
