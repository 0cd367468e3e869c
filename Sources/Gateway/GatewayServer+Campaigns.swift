import Foundation
import Hummingbird
import Logging
import NIOCore
import Storage

extension GatewayServer {
    /// Largest campaign upload (10,000 CSV rows with messages fit easily).
    static let maxCampaignBodyBytes = 4 << 20

    /// `POST /campaigns`, `GET /campaigns`, `GET /campaigns/{id}`, `POST /campaigns/{id}/cancel`,
    /// all behind the API token like `/outbound-call`.
    func addCampaignRoutes(to router: Router<GatewayRequestContext>) {
        router.post("/campaigns") { request, context -> Response in
            await answer {
                try await checkAPIRequest(request, context)
                let body = try await Self.collect(request, upTo: Self.maxCampaignBodyBytes)
                let isCSV = request.headers[.contentType]?.lowercased().hasPrefix("text/csv") == true
                var query: [String: String] = [:]
                for (k, v) in request.uri.queryParameters { query[String(k)] = String(v) }
                let new = isCSV ? try CampaignRequest.csv(body, query: query, limits: configuration.limits)
                                : try CampaignRequest.json(body, limits: configuration.limits)
                let campaign = Campaign(id: Self.newCampaignID(), name: new.name, message: new.message, createdAt: Date(), options: new.options)
                try await recorder.store.createCampaign(campaign, targets: new.targets)
                logger.info("campaign created", metadata: ["campaign_id": "\(campaign.id)", "targets": "\(new.targets.count)"])
                return JSONResponse.make(["success": true, "campaign_id": campaign.id, "targets": new.targets.count, "state": campaign.state], status: .created)
            }
        }
        router.get("/campaigns") { request, context -> Response in
            await answer {
                try await checkAPIRequest(request, context)
                return try JSONResponse.encoded(["campaigns": try await recorder.store.campaigns(limit: 100)])
            }
        }
        router.get("/campaigns/:id") { request, context -> Response in
            await answer {
                try await checkAPIRequest(request, context)
                let id = context.parameters.get("id") ?? ""
                guard let campaign = try await recorder.store.campaign(id: id) else { return Self.noCampaign(id) }
                return try JSONResponse.encoded(campaign)
            }
        }
        router.post("/campaigns/:id/cancel") { request, context -> Response in
            await answer {
                try await checkAPIRequest(request, context)
                let id = context.parameters.get("id") ?? ""
                guard try await recorder.store.cancelCampaign(id: id) else { return Self.noCampaign(id) }
                logger.notice("campaign cancelled", metadata: ["campaign_id": "\(id)"])
                return JSONResponse.make(["success": true, "campaign_id": id, "state": try await recorder.store.campaign(id: id)?.state ?? "cancelled"])
            }
        }
    }

    /// `GET /dashboard`: the status page. With `API_AUTH_TOKEN` set it takes the token as a bearer
    /// token or as the password of HTTP Basic auth (any user name), so a browser can log in.
    func addStatusPageRoute(to router: Router<GatewayRequestContext>) {
        router.get("/dashboard") { request, context -> Response in
            var presented = Self.bearerToken(request)
            if let header = request.headers[.authorization], header.hasPrefix("Basic "),
               let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
               let colon = decoded.firstIndex(of: ":") {
                // Basic credentials: the password is the token.
                presented = String(decoded[decoded.index(after: colon)...])
            }
            return await statusPage(request, context, presented: presented)
        }
    }

    private func statusPage(_ request: Request, _ context: GatewayRequestContext, presented: String) async -> Response {
        do {
            try await checkAPIRequest(request, context, presented: presented)
        } catch {
            var response = JSONResponse.failure(error)
            if case .unauthorized = error { response.headers[.wwwAuthenticate] = #"Basic realm="anpi-call", charset="UTF-8""# }
            return response
        }
        do {
            let campaigns = try await recorder.store.campaigns(limit: 20)
            let selected = try await request.uri.queryParameters.get("campaign").asyncMap { try await recorder.store.campaign(id: $0) } ?? nil
            let calls = try await recorder.store.calls(CallQuery(limit: 50))
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: StatusPage.render(campaigns: campaigns, selected: selected, calls: calls))))
        } catch {
            return JSONResponse.make(["success": false, "error": "\(error)"], status: .serviceUnavailable)
        }
    }

    /// Runs a handler; refusals become their JSON answer, store failures a 503.
    func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as OutboundCallError {
            return JSONResponse.failure(error)
        } catch {
            logger.error("store: \(error)")
            return JSONResponse.make(["success": false, "error": "\(error)"], status: .serviceUnavailable)
        }
    }

    static func noCampaign(_ id: String) -> Response {
        JSONResponse.make(["success": false, "error": "no campaign \(id.prefix(40))"], status: .notFound)
    }

    /// `k_` and 16 random hex digits.
    static func newCampaignID() -> String {
        var g = SystemRandomNumberGenerator()
        let v = String(g.next() as UInt64, radix: 16)
        return "k_" + String(repeating: "0", count: 16 - v.count) + v
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
