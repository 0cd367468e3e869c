import Hummingbird

/// An answer of the simulated API, turned into a Hummingbird response at the edge.
struct SimulatorResponse: Sendable {
    var status: Int
    var body: [UInt8]
    var contentType = "application/json"
    var challenge = false

    /// A JSON answer.
    static func json(_ object: [String: Any], status: Int = 200) -> SimulatorResponse {
        SimulatorResponse(status: status, body: JSONBody.encode(object))
    }

    /// An error answer in the error's shape.
    static func error(_ error: SimulatedAPIError, path: String) -> SimulatorResponse {
        SimulatorResponse(status: error.status, body: error.body(instance: path), contentType: error.contentType, challenge: error.status == 401)
    }

    var response: Response {
        var headers: HTTPFields = [.contentType: contentType]
        // Twilio's 401s carry the Basic challenge too.
        if challenge { headers[.wwwAuthenticate] = #"Basic realm="Twilio API""# }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
