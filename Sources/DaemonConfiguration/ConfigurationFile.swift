import Foundation
import Yams

/// A configuration file: a YAML (or JSON, which YAML reads too) mapping from long option names to values.
///
/// ```yaml
/// port: 50051
/// max-running-jobs: 8
/// demo-data: true
/// ```
struct ConfigurationFile {
    /// One key of the file, its values as text (one, or a list for a repeating option) and where it is.
    struct Entry {
        let option: ConfigurationOption
        let values: [String]
        let line: Int
    }

    let path: String
    let entries: [Entry]

    /// Reads `text` (the contents of `path`) against `schema`. Keys in `forbidden` are rejected with `reason`.
    init(path: String, text: String, schema: ConfigurationSchema, forbidden: [String: String])
        throws(ConfigurationError)
    {
        self.path = path
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError("\(path): not valid YAML or JSON: \(error)")
        }
        guard let root else {
            self.entries = []
            return
        }
        guard let mapping = root.mapping else {
            throw ConfigurationError("\(path): must be a mapping of long option names to values, e.g. `port: 50051`")
        }
        var entries: [Entry] = []
        var seen: Set<String> = []
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line ?? 0
            let at = "\(path):\(line)"
            guard let key = keyNode.scalar?.string else {
                throw ConfigurationError("\(at): a key must be an option name")
            }
            if let reason = forbidden[key] {
                throw ConfigurationError("\(at): key '\(key)' is not allowed in a configuration file: \(reason)")
            }
            guard let option = schema[key] else {
                throw ConfigurationError(
                    "\(at): unknown key '\(key)'; the keys are the long options of --help without the dashes")
            }
            guard seen.insert(key).inserted else {
                throw ConfigurationError("\(at): key '\(key)' appears twice")
            }
            let values = try Self.values(of: valueNode, for: option, at: at)
            entries.append(Entry(option: option, values: values, line: line))
        }
        self.entries = entries
    }

    private static func values(of node: Node, for option: ConfigurationOption, at: String)
        throws(ConfigurationError) -> [String]
    {
        let key = option.name
        switch node {
        case .scalar(let scalar):
            guard node.null == nil else { throw ConfigurationError("\(at): key '\(key)' has no value") }
            switch option.kind {
            case .flag:
                guard let value = node.bool ?? ConfigurationLoader.parseBool(scalar.string) else {
                    throw ConfigurationError("\(at): key '\(key)' is a flag: its value must be true or false")
                }
                return [value ? "true" : "false"]
            case .option:
                return [scalar.string]
            }
        case .sequence(let sequence):
            guard option.kind == .option, option.isRepeating else {
                throw ConfigurationError("\(at): key '\(key)' takes one value, not a list")
            }
            var values: [String] = []
            for item in sequence {
                guard let scalar = item.scalar, item.null == nil else {
                    throw ConfigurationError("\(at): the list of key '\(key)' must hold plain values")
                }
                values.append(scalar.string)
            }
            return values
        case .mapping, .alias:
            throw ConfigurationError("\(at): key '\(key)' must have a plain value, not a mapping")
        }
    }
}
