/// A store that can tell cheaply whether its PDEs changed, so that ``PDECatalogCache`` need not read every PDE
/// to find out.
protocol PDEVersioning: Sendable {
    /// A value that changes whenever a PDE is added, changed or removed.
    func pdeVersion() async throws -> String
}
