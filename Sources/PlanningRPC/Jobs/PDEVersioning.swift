/// A store that can tell cheaply whether its PDEs changed, so that ``PDECatalogCache`` need not read every PDE
/// to find out.
package protocol PDEVersioning: Sendable {
    /// A value that changes whenever a PDE is added, changed or removed.
    func pdeVersion() async throws -> String
}
