import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// POSTs each ended call's ``CallReport`` as JSON to `RESULT_WEBHOOK_URL`: one attempt plus one
/// retry on a network error or 5xx, each with a deadline; a failure is logged, never fatal.
public struct ResultWebhook: Sendable {
    public let url: String
    let httpClient: HTTPClient
    var timeout: Duration = .seconds(5)

    public init(url: String, httpClient: HTTPClient) {
        self.url = url
        self.httpClient = httpClient
    }

    /// Sends `report`; returns whether the receiver answered 2xx.
    @discardableResult
    public func post(_ report: CallReport, logger: Logger) async -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "anpi-call")
        request.body = .bytes(ByteBuffer(bytes: [UInt8](report.json)))
        for attempt in 1...2 {
            do {
                let response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) {
                    logger.info("call result delivered", metadata: ["webhook_status": "\(response.status.code)"])
                    return true
                }
                logger.warning("result webhook answered \(response.status.code)", metadata: ["attempt": "\(attempt)"])
                if response.status.code < 500 { return false }
            } catch {
                logger.warning("result webhook failed: \(error)", metadata: ["attempt": "\(attempt)"])
            }
        }
        return false
    }
}
