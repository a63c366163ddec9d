/// What a job does, stored as its raw value.
public enum JobKind: String, Sendable, CaseIterable, Codable {
    /// GenerateAttributes.
    case generateAttributes = "generate_attributes"
    /// AutoMapPDEs.
    case autoMapPDEs = "auto_map_pdes"
    /// RegenerateAllPDEMappings.
    case regenerateAllPDEMappings = "regenerate_all_pde_mappings"
    /// ClassifyPDEs.
    case classifyPDEs = "classify_pdes"
}
