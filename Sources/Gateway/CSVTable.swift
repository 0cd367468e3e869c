import Foundation

/// A CSV document (RFC 4180: quoted fields, `""` for a quote, CRLF or LF), first row the header.
struct CSVTable: Equatable {
    var header: [String]
    /// The data rows, each with its 1-based line number in the file.
    var rows: [(line: Int, fields: [String])]

    static func == (a: CSVTable, b: CSVTable) -> Bool {
        a.header == b.header && a.rows.map(\.line) == b.rows.map(\.line) && a.rows.map(\.fields) == b.rows.map(\.fields)
    }

    /// Why a file could not be read.
    struct Problem: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws(Problem) -> CSVTable {
        var records: [(line: Int, fields: [String])] = []
        var field = "", fields: [String] = []
        var quoted = false, afterQuote = false
        var line = 1, recordLine = 1
        var scalars = Array(text.unicodeScalars)[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }  // a BOM from spreadsheet exports
        var i = scalars.startIndex
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            field = ""
            fields = []
        }
        while i < scalars.endIndex {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if scalars.index(after: i) < scalars.endIndex, scalars[scalars.index(after: i)] == "\"" {
                        field.unicodeScalars.append("\"")
                        i = scalars.index(after: i)
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"" where field.isEmpty && !afterQuote:
                    quoted = true
                case ",":
                    fields.append(field)
                    field = ""
                    afterQuote = false
                case "\r":
                    break
                case "\n":
                    endRecord()
                    afterQuote = false
                    line += 1
                    recordLine = line
                default:
                    if afterQuote { throw Problem(description: "line \(line): text after a closing quote") }
                    field.unicodeScalars.append(c)
                }
            }
            i = scalars.index(after: i)
        }
        if quoted { throw Problem(description: "line \(recordLine): a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let first = records.first else { throw Problem(description: "the file is empty: it needs a header row such as to_number,user_id,message") }
        return CSVTable(header: first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }, rows: Array(records.dropFirst()))
    }
}
