import CMPI

/// The processes of one MPI job (`MPI_COMM_WORLD`): who this process is among them, and the
/// collective operations data-parallel training needs.
///
/// Every collective must be called by every rank, in the same order, with the same sizes;
/// MPI's default error handler ends the whole job on a communication error. Calls come from
/// one thread (`MPI_THREAD_FUNNELED`).
///
/// ```swift
/// let world = Communicator.world()
/// var gradient: [Float] = …
/// gradient.withUnsafeMutableBufferPointer { world.sum($0) }   // identical bits on every rank
/// ```
public final class Communicator: @unchecked Sendable {
  /// This process's rank, 0 ..< ``size``.
  public let rank: Int
  /// The number of processes.
  public let size: Int
  let comm: MPI_Comm

  private init(comm: MPI_Comm) {
    var r: Int32 = 0, n: Int32 = 0
    MPI_Comm_rank(comm, &r)
    MPI_Comm_size(comm, &n)
    self.comm = comm
    rank = Int(r)
    size = Int(n)
  }

  nonisolated(unsafe) private static var shared: Communicator?

  /// The world communicator, initialising MPI on first use (a process started without
  /// `mpirun` is a world of one). Call from the main thread.
  public static func world() -> Communicator {
    if let shared { return shared }
    var initialised: Int32 = 0
    MPI_Initialized(&initialised)
    if initialised == 0 {
      var provided: Int32 = 0
      MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
    }
    let world = Communicator(comm: sdfa_mpi_comm_world())
    shared = world
    return world
  }

  /// Ends MPI in this process (after the last collective; every rank calls it).
  public static func finalize() {
    var finalized: Int32 = 0
    MPI_Finalized(&finalized)
    if shared != nil && finalized == 0 { MPI_Finalize() }
  }

  /// Ends every rank of the job with `code`: what a rank that cannot go on calls, so that the
  /// others do not wait for it forever in a collective.
  public func abort(_ code: Int32) -> Never {
    MPI_Abort(comm, code)
    fatalError("MPI_Abort returned")
  }

  /// Waits until every rank has called it.
  public func barrier() {
    MPI_Barrier(comm)
  }

  /// Replaces `bytes` on every rank by `root`'s (whose size the others need not know).
  public func broadcast(_ bytes: inout [UInt8], root: Int = 0) {
    var count = Int64(bytes.count)
    MPI_Bcast(&count, 1, sdfa_mpi_int64(), Int32(root), comm)
    if rank != root { bytes = [UInt8](repeating: 0, count: Int(count)) }
    precondition(count <= Int64(Int32.max), "broadcast of \(count) bytes: more than MPI's 32-bit count")
    bytes.withUnsafeMutableBytes { b in
      _ = MPI_Bcast(b.baseAddress, Int32(count), sdfa_mpi_byte(), Int32(root), comm)
    }
  }

  /// The largest of every rank's `value` (to agree on a status, for example).
  public func maximum(_ value: Int64) -> Int64 {
    var local = value, result: Int64 = 0
    MPI_Allreduce(&local, &result, 1, sdfa_mpi_int64(), sdfa_mpi_max(), comm)
    return result
  }
}
