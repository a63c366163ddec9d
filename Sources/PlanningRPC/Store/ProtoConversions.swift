import Foundation
import SwiftProtobuf

// Conversions between the store's records and the planning.v1 messages, for the handlers. Records -> messages
// for responses; message enums -> store enums for requests (UNSPECIFIED becomes nil: "any" in filters).

extension MappingState {
    /// The message enum.
    public var proto: Planning_V1_MappingState {
        switch self {
        case .suggested: .suggested
        case .accepted: .accepted
        case .rejected: .rejected
        }
    }

    /// The store state of a message enum; nil for UNSPECIFIED or an unknown value.
    public init?(proto: Planning_V1_MappingState) {
        switch proto {
        case .suggested: self = .suggested
        case .accepted: self = .accepted
        case .rejected: self = .rejected
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension Criticality {
    /// The message enum.
    public var proto: Planning_V1_Criticality {
        switch self {
        case .low: .low
        case .medium: .medium
        case .high: .high
        }
    }

    /// The store value of a message enum; nil for UNSPECIFIED or an unknown value.
    public init?(proto: Planning_V1_Criticality) {
        switch proto {
        case .low: self = .low
        case .medium: self = .medium
        case .high: self = .high
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension SecurityClass {
    /// The message enum.
    public var proto: Planning_V1_SecurityClass {
        switch self {
        case .public: .public
        case .internal: .internal
        case .confidential: .confidential
        case .restricted: .restricted
        }
    }

    /// The store value of a message enum; nil for UNSPECIFIED or an unknown value.
    public init?(proto: Planning_V1_SecurityClass) {
        switch proto {
        case .public: self = .public
        case .internal: self = .internal
        case .confidential: self = .confidential
        case .restricted: self = .restricted
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension JobKind {
    /// The message enum.
    public var proto: Planning_V1_JobKind {
        switch self {
        case .generateAttributes: .generateAttributes
        case .autoMapPDEs: .autoMapPdes
        case .regenerateAllPDEMappings: .regenerateAllPdeMappings
        case .classifyPDEs: .classifyPdes
        }
    }

    /// The store value of a message enum; nil for UNSPECIFIED or an unknown value.
    public init?(proto: Planning_V1_JobKind) {
        switch proto {
        case .generateAttributes: self = .generateAttributes
        case .autoMapPdes: self = .autoMapPDEs
        case .regenerateAllPdeMappings: self = .regenerateAllPDEMappings
        case .classifyPdes: self = .classifyPDEs
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension JobState {
    /// The message enum.
    public var proto: Planning_V1_JobState {
        switch self {
        case .queued: .queued
        case .running: .running
        case .succeeded: .succeeded
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }

    /// The store value of a message enum; nil for UNSPECIFIED or an unknown value.
    public init?(proto: Planning_V1_JobState) {
        switch proto {
        case .queued: self = .queued
        case .running: self = .running
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .cancelled: self = .cancelled
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension Planning_V1_JobEvent.OneOf_Payload {
    /// The column value that classifies a stored event.
    public var storeKind: EventPayloadKind {
        switch self {
        case .accepted: .accepted
        case .progress: .progress
        case .attributeGenerated: .attributeGenerated
        case .mappingSuggested: .mappingSuggested
        case .pdeClassified: .pdeClassified
        case .result: .result
        case .error: .error
        case .heartbeat: .heartbeat
        case .serverDraining: .serverDraining
        }
    }
}

extension CycleRecord {
    /// The message.
    public var proto: Planning_V1_Cycle {
        var message = Planning_V1_Cycle()
        message.id = id
        message.name = name
        message.description_p = description
        message.createTime = Google_Protobuf_Timestamp(date: createTime)
        return message
    }
}

extension ReportRecord {
    /// The message.
    public var proto: Planning_V1_Report {
        var message = Planning_V1_Report()
        message.id = id
        message.cycleID = cycleID
        message.name = name
        message.description_p = description
        message.createTime = Google_Protobuf_Timestamp(date: createTime)
        return message
    }
}

extension DocumentRecord {
    /// The message (with the text the record holds: empty when it was read without text).
    public var proto: Planning_V1_Document {
        var message = Planning_V1_Document()
        message.id = id
        message.reportID = reportID
        message.title = title
        message.text = text
        message.textSize = textSize
        message.createTime = Google_Protobuf_Timestamp(date: createTime)
        return message
    }
}

extension AttributeRecord {
    /// The message.
    public var proto: Planning_V1_Attribute {
        var message = Planning_V1_Attribute()
        message.id = id
        message.reportID = reportID
        message.name = name
        message.description_p = description
        message.dataType = dataType
        message.criticalDataElement = isCriticalDataElement
        message.sourceDocumentID = sourceDocumentID
        message.sourceSection = sourceSection
        message.jobID = jobID
        message.team = team
        if rowID != 0 { message.createTime = Google_Protobuf_Timestamp(date: createTime) }
        return message
    }

    /// A record from a request message (input fields only; the store assigns the rest).
    public init(proto message: Planning_V1_Attribute, reportID: String) {
        self.init(
            reportID: reportID, name: message.name, description: message.description_p, dataType: message.dataType,
            isCriticalDataElement: message.criticalDataElement, sourceDocumentID: message.sourceDocumentID,
            sourceSection: message.sourceSection)
    }
}

extension PDERecord {
    /// The message.
    public var proto: Planning_V1_Pde {
        var message = Planning_V1_Pde()
        message.id = id
        message.system = system
        message.table = table
        message.column = column
        message.dataType = dataType
        message.description_p = description
        message.sampleValues = sampleValues
        message.createTime = Google_Protobuf_Timestamp(date: createTime)
        message.updateTime = Google_Protobuf_Timestamp(date: updateTime)
        return message
    }

    /// A record from a request message (input fields only; the store assigns the rest).
    public init(proto message: Planning_V1_Pde) {
        self.init(
            system: message.system, table: message.table, column: message.column, dataType: message.dataType,
            description: message.description_p, sampleValues: message.sampleValues)
    }
}

extension MappingRecord {
    /// The message, with the PDE when the record has it.
    public var proto: Planning_V1_PdeMapping {
        var message = Planning_V1_PdeMapping()
        message.id = id
        message.attributeID = attributeID
        message.reportID = reportID
        message.pdeID = pdeID
        if let pde { message.pde = pde.proto }
        message.confidence = confidence
        message.rationale = rationale
        message.state = state.proto
        message.jobID = jobID
        message.team = team
        message.createTime = Google_Protobuf_Timestamp(date: createTime)
        message.updateTime = Google_Protobuf_Timestamp(date: updateTime)
        return message
    }
}

extension ClassificationRecord {
    /// The message.
    public var proto: Planning_V1_PdeClassification {
        var message = Planning_V1_PdeClassification()
        message.id = id
        message.pdeID = pdeID
        message.criticality = criticality.proto
        message.securityClass = securityClass.proto
        message.personalData = hasPersonalData
        message.rationale = rationale
        message.jobID = jobID
        message.team = team
        message.createTime = Google_Protobuf_Timestamp(date: createTime)
        message.updateTime = Google_Protobuf_Timestamp(date: updateTime)
        return message
    }
}

extension JobResultSummary {
    /// The message.
    public var proto: Planning_V1_JobResult {
        var message = Planning_V1_JobResult()
        message.generated = generated
        message.created = created
        message.mapped = mapped
        message.classified = classified
        message.skipped = skipped
        return message
    }
}

extension JobFailure {
    /// The message.
    public var proto: Planning_V1_JobError {
        var message = Planning_V1_JobError()
        message.code = code
        message.message = self.message
        return message
    }
}

extension JobRecord {
    /// The message (the stored request and the worker bookkeeping are not part of it).
    public var proto: Planning_V1_Job {
        var message = Planning_V1_Job()
        message.id = id
        message.kind = kind.proto
        message.state = state.proto
        message.owner = owner
        message.cycleID = cycleID
        message.reportID = reportID
        message.step = step
        message.percent = percent
        message.itemsDone = itemsDone
        message.itemsTotal = itemsTotal
        message.createTime = Google_Protobuf_Timestamp(date: createTime)
        if let startTime { message.startTime = Google_Protobuf_Timestamp(date: startTime) }
        if let finishTime { message.finishTime = Google_Protobuf_Timestamp(date: finishTime) }
        if let result { message.result = result.proto }
        if let error { message.error = error.proto }
        message.lastSequence = lastSequence
        message.requestID = requestID
        message.team = team
        if let trace {
            message.traceparent = trace.traceparent
            message.tracestate = trace.traceState
        }
        return message
    }
}
