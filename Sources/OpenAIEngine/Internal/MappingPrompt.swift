internal import PlanningEngine

/// Choosing PDEs for one attribute among a lexical shortlist: prompt, schema and validation.
enum MappingPrompt {
    static let system = """
        You map a regulatory test attribute to the physical data elements (PDEs: columns of source \
        systems) that hold or feed its value. You are given the attribute and a list of candidate \
        PDEs. Choose only among the candidates, by their exact id. Rank the candidates that fit, \
        best first, with a confidence from 0 to 1 (about 0.9 for a clear match of meaning and type, \
        about 0.2 for a weak one) and a one-sentence rationale. Leave out candidates that do not fit; \
        an empty list is a valid answer.
        """

    static func output(ids: [String]) -> OutputSchema {
        OutputSchema(
            name: "pde_mappings",
            schema: OutputSchema.object([
                "suggestions": OutputSchema.array(
                    of: OutputSchema.object([
                        "pde_id": OutputSchema.string(enum: ids),
                        "confidence": OutputSchema.number,
                        "rationale": OutputSchema.string,
                    ]))
            ])
        )
    }

    static func user(attribute: AttributeQuery, candidates: [PDEDescriptor], topK: Int) -> String {
        var attributeJSON: [String: JSONValue] = ["name": .string(attribute.name)]
        if !attribute.description.isEmpty { attributeJSON["description"] = .string(attribute.description) }
        if let type = attribute.dataType { attributeJSON["data_type"] = .string(type.rawValue) }
        let lines = candidates.map { pde -> String in
            var fields: [String: JSONValue] = [
                "id": .string(pde.id), "system": .string(pde.system), "table": .string(pde.table),
                "column": .string(pde.column), "type": .string(pde.dataType),
            ]
            if !pde.description.isEmpty { fields["description"] = .string(String(pde.description.prefix(300))) }
            return JSONValue.object(fields).jsonText
        }
        return """
            Attribute: \(JSONValue.object(attributeJSON).jsonText)
            Return at most \(topK) suggestions.
            Candidates (one JSON object per line):
            \(lines.joined(separator: "\n"))
            """
    }

    /// Valid suggestions, best first, at most `topK`; matched terms come from the lexical ranking.
    static func parse(
        _ content: String,
        shortlist: [MappingSuggestion],
        topK: Int
    ) throws(AnswerValidationError) -> [MappingSuggestion] {
        let answer = try AnswerReader.parse(content)
        let lexical = Dictionary(shortlist.map { ($0.pdeId, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [MappingSuggestion] = []
        var seen: Set<String> = []
        for item in try answer.array("suggestions") {
            let id = try item.string("pde_id")
            guard let candidate = lexical[id] else {
                throw AnswerValidationError(
                    "\(item.path).pde_id '\(id.prefix(80))' is not one of the candidate ids; use only the ids listed")
            }
            let confidence = try item.number("confidence", in: 0...1)
            let rationale = try item.string("rationale")
            // A repeated id adds nothing; the first (best-ranked) mention counts.
            guard seen.insert(id).inserted else { continue }
            result.append(
                MappingSuggestion(
                    pdeId: id, confidence: confidence, rationale: rationale, matchedTerms: candidate.matchedTerms))
        }
        // Stable: equal confidences keep the model's order.
        let ranked = result.enumerated().sorted { lhs, rhs in
            lhs.element.confidence != rhs.element.confidence
                ? lhs.element.confidence > rhs.element.confidence : lhs.offset < rhs.offset
        }
        return ranked.prefix(topK).map(\.element)
    }
}
