/// One status callback to send: where, how, and the form fields Twilio would send.
struct StatusCallback: Sendable {
    var callSID: String
    var url: String
    var method: String
    var sequenceNumber: Int
    var callStatus: String
    var form: [FormField]
}
