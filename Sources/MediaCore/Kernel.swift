import CAnpiMedia

/// Which implementation of the C core's inner loops an object uses.
public enum Kernel: Sendable, CaseIterable, CustomStringConvertible {
    /// The fastest kernel this CPU supports.
    case automatic
    /// Portable C: the reference every SIMD kernel must match bit for bit.
    case scalar
    /// x86-64 AVX2 with FMA.
    case avx2

    var cValue: anpi_kernel {
        switch self {
        case .automatic: ANPI_KERNEL_AUTO
        case .scalar: ANPI_KERNEL_SCALAR
        case .avx2: ANPI_KERNEL_AVX2
        }
    }

    init(_ value: anpi_kernel) {
        switch value {
        case ANPI_KERNEL_SCALAR: self = .scalar
        case ANPI_KERNEL_AVX2: self = .avx2
        default: self = .automatic
        }
    }

    /// Whether this kernel can run on this machine.
    public var isAvailable: Bool { anpi_kernel_available(cValue) != 0 }

    /// The kernel's short name ("scalar", "avx2"); `automatic` names the one it picks.
    public var description: String { String(cString: anpi_kernel_name(cValue)) }
}
