internal import Foundation

/// Typed, path-aware access to a JSON answer: every accessor throws an ``AnswerValidationError``
/// that names the field ("attributes[2].data_type") and what was wrong with it.
struct AnswerReader {
    let value: JSONValue
    let path: String

    /// Parses a model's reply: tolerates code fences, a leading `<think>` block and prose around
    /// the object, which local models add when nothing constrains their decoding.
    static func parse(_ content: String) throws(AnswerValidationError) -> AnswerReader {
        var text = Substring(content)
        if let end = text.range(of: "</think>") {
            text = text[end.upperBound...]
        }
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end else {
            throw AnswerValidationError("the answer is not a JSON object")
        }
        let json = Data(text[start...end].utf8)
        do {
            let value = try JSONDecoder().decode(JSONValue.self, from: json)
            return AnswerReader(value: value, path: "")
        } catch {
            throw AnswerValidationError("the answer is not valid JSON")
        }
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func field(_ key: String) throws(AnswerValidationError) -> JSONValue? {
        guard case .object(let object) = value else {
            throw AnswerValidationError("\(path.isEmpty ? "the answer" : path) must be an object, got \(value.kind)")
        }
        return object[key]
    }

    private func required(_ key: String) throws(AnswerValidationError) -> JSONValue {
        guard let value = try field(key), value != .null else {
            throw AnswerValidationError("missing required field \(child(key))")
        }
        return value
    }

    func string(_ key: String, allowEmpty: Bool = false) throws(AnswerValidationError) -> String {
        guard case .string(let text) = try required(key) else {
            throw AnswerValidationError("\(child(key)) must be a string")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard allowEmpty || !trimmed.isEmpty else { throw AnswerValidationError("\(child(key)) must not be empty") }
        return trimmed
    }

    /// A string, `nil` when null, absent or empty.
    func optionalString(_ key: String) throws(AnswerValidationError) -> String? {
        switch try field(key) {
        case nil, .null?: return nil
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        case .number(let number)?:
            // "field_number": 12 is a harmless slip; keep it as text.
            return number == number.rounded() ? String(Int(number)) : String(number)
        default: throw AnswerValidationError("\(child(key)) must be a string or null")
        }
    }

    func bool(_ key: String) throws(AnswerValidationError) -> Bool {
        guard case .bool(let flag) = try required(key) else {
            throw AnswerValidationError("\(child(key)) must be true or false")
        }
        return flag
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws(AnswerValidationError) -> Double {
        guard case .number(let number) = try required(key) else {
            throw AnswerValidationError("\(child(key)) must be a number")
        }
        guard range.contains(number) else {
            throw AnswerValidationError(
                "\(child(key)) is \(number), out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// One of `allowed`, compared case-insensitively; returns the canonical spelling.
    func choice(_ key: String, among allowed: [String]) throws(AnswerValidationError) -> String {
        let text = try string(key)
        guard let match = allowed.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) else {
            throw AnswerValidationError(
                "\(child(key)) is '\(text.prefix(60))', not one of: \(allowed.joined(separator: ", "))")
        }
        return match
    }

    func strings(_ key: String) throws(AnswerValidationError) -> [String] {
        switch try field(key) {
        case nil, .null?: return []
        case .array(let items)?:
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw AnswerValidationError("\(child(key))[\(index)] must be a string")
                }
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { result.append(trimmed) }
            }
            return result
        default: throw AnswerValidationError("\(child(key)) must be an array of strings")
        }
    }

    func array(_ key: String) throws(AnswerValidationError) -> [AnswerReader] {
        guard case .array(let items) = try required(key) else {
            throw AnswerValidationError("\(child(key)) must be an array")
        }
        return items.enumerated().map { AnswerReader(value: $1, path: "\(child(key))[\($0)]") }
    }
}
