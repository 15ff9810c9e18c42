// One rank of the MPI wrapper's test (`MPITests` runs it under `mpirun -np N`): sums vectors
// whose values depend on the rank, checks each sum against the rank-order sum computed here
// without MPI, and prints one line per case with the result's bits, so that the test can
// compare ranks and reruns. Rank 0 also prints a broadcast.
import Foundation
import MPI

let world = Communicator.world()

/// Rank `r`'s value at `j`: magnitudes over 12 decades, so that the order of the additions
/// shows in the last bits.
func value(rank r: Int, _ j: Int) -> Double {
  sin(Double(j) * 0.37 + Double(r) * 1.91) * pow(10, Double((j * 7 + r * 3) % 12) - 6)
}

/// FNV-1a over the result's bytes.
func digest<T>(_ values: [T]) -> String {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  values.withUnsafeBytes { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
  return String(h, radix: 16)
}

for n in [0, 1, 2, 3, 1000, 100_003] {
  var floats = (0..<n).map { Float(value(rank: world.rank, $0)) }
  floats.withUnsafeMutableBufferPointer { world.sum($0) }
  let expectedFloats = (0..<n).map { j in
    Float((0..<world.size).reduce(0.0) { $0 + Double(Float(value(rank: $1, j))) })
  }
  var doubles = (0..<n).map { value(rank: world.rank, $0) }
  world.sum(&doubles)
  let expectedDoubles = (0..<n).map { j in (0..<world.size).reduce(0.0) { $0 + value(rank: $1, j) } }
  let floatsOK = zip(floats, expectedFloats).allSatisfy { $0.bitPattern == $1.bitPattern }
  let doublesOK = zip(doubles, expectedDoubles).allSatisfy { $0.bitPattern == $1.bitPattern }
  print("rank \(world.rank)/\(world.size) n \(n) float \(floatsOK ? "ok" : "WRONG") \(digest(floats)) double \(doublesOK ? "ok" : "WRONG") \(digest(doubles))")
}
var message = world.rank == 0 ? Array("from rank 0".utf8) : []
world.broadcast(&message)
world.barrier()
print("rank \(world.rank)/\(world.size) broadcast \(String(decoding: message, as: UTF8.self)) max \(world.maximum(Int64(world.rank * 10)))")
Communicator.finalize()
