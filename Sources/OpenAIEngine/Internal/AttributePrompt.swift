internal import PlanningEngine

/// Attribute generation for one chunk of one document: prompt, schema and answer validation.
enum AttributePrompt {
    static let system = """
        You extract test attributes from regulatory reporting instructions (for example FR Y-14, FFIEC \
        call reports). A test attribute is one data field that a filer must report and a tester must \
        verify: give its name as written, its definition or instructions (whitespace-normalized, \
        without inventing anything), its logical data type, whether it is a critical data element \
        (identifiers, amounts, rates, dates, risk ratings and other fields that drive the report's \
        figures), its allowable values exactly as listed (e.g. "1 = Term Loan"), the section heading \
        it appears under and its field number when the document numbers fields. List the attributes \
        in document order. Do not list section titles, general guidance or fields of other documents. \
        If the text has no attributes, answer with an empty list.
        """

    static let output = OutputSchema(
        name: "test_attributes",
        schema: OutputSchema.object([
            "attributes": OutputSchema.array(
                of: OutputSchema.object([
                    "name": OutputSchema.string,
                    "description": OutputSchema.string,
                    "data_type": OutputSchema.string(enum: AttributeDataType.allCases.map(\.rawValue)),
                    "is_critical_data_element": OutputSchema.boolean,
                    "allowable_values": OutputSchema.array(of: OutputSchema.string),
                    "section": OutputSchema.nullableString,
                    "field_number": OutputSchema.nullableString,
                ]))
        ])
    )

    static func user(document: SourceDocument, chunk: DocumentChunk, index: Int, count: Int) -> String {
        var lines = ["Document: \(document.title.isEmpty ? document.id : document.title)"]
        if count > 1 { lines.append("Excerpt \(index + 1) of \(count).") }
        if chunk.continuesSection, let section = chunk.section {
            lines.append("The excerpt continues section: \(section)")
        }
        lines.append("Text:\n<<<\n\(chunk.text)\n>>>")
        return lines.joined(separator: "\n")
    }

    /// The attributes of a valid answer; `section` fills in attributes the model gave none.
    static func parse(
        _ content: String,
        documentId: String,
        section: String?
    ) throws(AnswerValidationError) -> [GeneratedAttribute] {
        let answer = try AnswerReader.parse(content)
        var result: [GeneratedAttribute] = []
        for item in try answer.array("attributes") {
            let typeName = try item.choice("data_type", among: AttributeDataType.allCases.map(\.rawValue))
            result.append(
                GeneratedAttribute(
                    name: try item.string("name"),
                    description: try item.string("description", allowEmpty: true)
                        .split(whereSeparator: \.isWhitespace).joined(separator: " "),
                    dataType: AttributeDataType(rawValue: typeName) ?? .text,
                    isCriticalDataElement: try item.bool("is_critical_data_element"),
                    allowableValues: try item.strings("allowable_values"),
                    documentId: documentId,
                    section: try item.optionalString("section") ?? section,
                    fieldNumber: try item.optionalString("field_number")
                ))
        }
        return result
    }
}
