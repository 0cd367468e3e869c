import Foundation
import Hummingbird

extension TwilioAPISimulator {
    /// The API's routes, each reading the request and handing it to the actor.
    nonisolated func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let account = "/2010-04-01/Accounts/:accountSID"
        router.post("\(account)/Calls.json") { request, context in
            await self.respond(to: try await SimulatorRequest(request, context, endpoint: .createCall)).response
        }
        router.get("\(account)/Calls/{callSID}.json") { request, context in
            await self.respond(to: try await SimulatorRequest(request, context, endpoint: .fetchCall)).response
        }
        router.post("\(account)/Calls/{callSID}.json") { request, context in
            await self.respond(to: try await SimulatorRequest(request, context, endpoint: .updateCall)).response
        }
        router.get("\(account)/OutgoingCallerIds.json") { request, context in
            await self.respond(to: try await SimulatorRequest(request, context, endpoint: .outgoingCallerIDs)).response
        }
        router.get("\(account)/IncomingPhoneNumbers.json") { request, context in
            await self.respond(to: try await SimulatorRequest(request, context, endpoint: .incomingPhoneNumbers)).response
        }
        // Inspection and control, without auth: what Twilio would have received, and faults from curl.
        router.get("/sim/calls") { _, _ in
            SimulatorResponse(status: 200, body: JSONBody.encode(await self.calls())).response
        }
        router.get("/sim/requests") { _, _ in
            SimulatorResponse(status: 200, body: JSONBody.encode(await self.requests())).response
        }
        router.post("/sim/faults") { request, _ in
            var body = try await request.body.collect(upTo: 64 * 1024)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            guard let parsed = try? JSONDecoder().decode(SimulatedFault.Request.self, from: Data(bytes)), let (fault, target, times) = parsed.fault else {
                return SimulatorResponse.json(["error": "expected {\"endpoint\" or \"to\", \"status\", \"code\", \"message\", \"shape\", \"delay_ms\", \"times\"}"], status: 400).response
            }
            await self.add(fault, for: target, times: times)
            return Response(status: .noContent)
        }
        router.delete("/sim/faults") { _, _ in
            await self.clearFaults()
            return Response(status: .noContent)
        }
        return router
    }

    /// Records the request, applies delays and faults, checks auth, then answers it.
    func respond(to request: SimulatorRequest) async -> SimulatorResponse {
        let index = requestLog.count
        requestLog.append(request.record)
        let response = await answer(request)
        requestLog[index].responseStatus = response.status
        return response
    }

    private func answer(_ request: SimulatorRequest) async -> SimulatorResponse {
        await pause(configuration.responseDelay)
        if let fault = takeFault(for: request.endpoint, destination: request.form.value("To")) {
            await pause(fault.delay)
            if let error = fault.apiError { return .error(error, path: request.path) }
        }
        guard let credentials = request.basicCredentials,
              credentials.user == configuration.accountSID, credentials.password == configuration.authToken
        else { return .error(.authenticate, path: request.path) }
        guard request.accountSID == configuration.accountSID else { return .error(.notFound(request.path), path: request.path) }
        let result: Result<SimulatorResponse, SimulatedAPIError> = switch request.endpoint {
        case .createCall: createCall(request)
        case .fetchCall: fetchCall(request)
        case .updateCall: await updateCall(request)
        case .outgoingCallerIDs: listCallerIDs(request)
        case .incomingPhoneNumbers: listIncomingNumbers(request)
        }
        switch result {
        case .success(let response): return response
        case .failure(let error): return .error(error, path: request.path)
        }
    }
}
