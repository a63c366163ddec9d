internal import PlanningEngine

/// Classifying one PDE: prompt, schema and validation.
enum ClassificationPrompt {
    static let system = """
        You classify a physical data element (a column of a source system) for a regulatory \
        reporting data-governance catalog. Decide its criticality to the accuracy of regulatory \
        reports (low, medium, high), its information security class (public, internal, \
        confidential, restricted: restricted for government identifiers, account numbers, \
        authentication data and similar; confidential for other personal or customer data and \
        non-public financials), whether it contains personal data, a short rationale naming the \
        evidence, and a short dotted identifier of the deciding rule, such as "personal.tax-id", \
        "financial.amount" or "reference.code".
        """

    static let output = OutputSchema(
        name: "pde_classification",
        schema: OutputSchema.object([
            "criticality": OutputSchema.string(enum: Criticality.allCases.map(\.rawValue)),
            "security_class": OutputSchema.string(enum: SecurityClass.allCases.map(\.rawValue)),
            "contains_personal_data": OutputSchema.boolean,
            "rationale": OutputSchema.string,
            "rule": OutputSchema.string,
        ])
    )

    static func user(pde: PDEDescriptor, policy: OpenAIEngine.SampleValuePolicy) -> String {
        var fields: [String: JSONValue] = [
            "id": .string(pde.id), "system": .string(pde.system), "table": .string(pde.table),
            "column": .string(pde.column), "type": .string(pde.dataType),
        ]
        if !pde.description.isEmpty { fields["description"] = .string(String(pde.description.prefix(500))) }
        let samples = pde.sampleValues.prefix(5).map { String($0.prefix(60)) }
        switch policy {
        case .omit: break
        case .masked where !samples.isEmpty:
            fields["sample_value_shapes"] = .array(samples.map { .string(masked($0)) })
        case .raw where !samples.isEmpty:
            fields["sample_values"] = .array(samples.map { .string($0) })
        default: break
        }
        return "PDE: \(JSONValue.object(fields).jsonText)"
    }

    /// The shape of a value without its content: letters become x/X, digits 9.
    static func masked(_ value: String) -> String {
        String(
            value.map { character -> Character in
                if character.isNumber { return "9" }
                if character.isLetter { return character.isUppercase ? "X" : "x" }
                return character
            })
    }

    static func parse(_ content: String) throws(AnswerValidationError) -> PDEClassification {
        let answer = try AnswerReader.parse(content)
        let criticality = try answer.choice("criticality", among: Criticality.allCases.map(\.rawValue))
        let security = try answer.choice("security_class", among: SecurityClass.allCases.map(\.rawValue))
        return PDEClassification(
            criticality: Criticality(rawValue: criticality) ?? .medium,
            securityClass: SecurityClass(rawValue: security) ?? .internal,
            containsPersonalData: try answer.bool("contains_personal_data"),
            rationale: try answer.string("rationale"),
            rule: try answer.string("rule")
        )
    }
}
