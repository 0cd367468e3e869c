import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Twilio

extension TwilioAPISimulator {
    /// Sends a call's status callbacks one at a time: each as it comes, or (shuffled) all at the end
    /// in a seeded order that differs from the original.
    nonisolated func deliver(_ callbacks: AsyncStream<StatusCallback>, shuffleIndex: UInt64) async {
        switch configuration.callbackOrder {
        case .inOrder:
            for await callback in callbacks { await send(callback) }
        case .shuffled(let seed):
            var all: [StatusCallback] = []
            for await callback in callbacks { all.append(callback) }
            for callback in Self.permuted(all, seed: seed, index: shuffleIndex) {
                guard !Task.isCancelled else { return }
                await send(callback)
            }
        }
    }

    /// A seeded permutation of `items` that is never the identity when there are two or more.
    static func permuted<T>(_ items: [T], seed: UInt64, index: UInt64) -> [T] {
        guard items.count > 1 else { return items }
        var generator = SeededGenerator(seed: seed &+ index &* 0x9E37_79B9_7F4A_7C15)
        var order = Array(items.indices)
        order.shuffle(using: &generator)
        if order == Array(items.indices) { order.reverse() }
        return order.map { items[$0] }
    }

    private nonisolated func send(_ callback: StatusCallback) async {
        guard let http = await callbackClient else { return }
        let body = FormEncoding.encode(callback.form.map { ($0.name, $0.value) })
        var request: HTTPClientRequest
        if callback.method == "GET" {
            request = HTTPClientRequest(url: callback.url + (callback.url.contains("?") ? "&" : "?") + body)
            request.method = .GET
        } else {
            request = HTTPClientRequest(url: callback.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(Array(body.utf8))
        }
        request.headers.add(name: "User-Agent", value: "TwilioProxy/1.1")
        // Signed as Twilio signs: the full URL, plus the form parameters of a POST.
        let signer = TwilioSignature(authToken: configuration.authToken)
        let signature = callback.method == "GET"
            ? signer.sign(url: request.url)
            : signer.sign(url: callback.url, parameters: callback.form.map { ($0.name, $0.value) })
        request.headers.add(name: TwilioSignature.header, value: signature)
        var status: Int?
        do {
            let timeout = Int64(configuration.callbackTimeout / .milliseconds(1))
            let response = try await http.execute(request, timeout: .milliseconds(timeout))
            _ = try await response.body.collect(upTo: 1 << 20)
            status = Int(response.status.code)
        } catch {
            logger.debug("status callback failed", metadata: ["url": "\(callback.url)", "error": "\(error)"])
        }
        await recordDelivery(callback, responseStatus: status)
    }
}
