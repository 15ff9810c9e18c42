import Testing
import Tensor

@Suite struct RandomStreamTests {
  @Test func sameKeyGivesSameDraws() {
    var a = RandomStream(seed: 7, purpose: "init")
    var b = RandomStream(seed: 7, purpose: "init")
    #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
  }

  @Test func purposesAndSeedsAreIndependent() {
    var a = RandomStream(seed: 7, purpose: "init")
    var b = RandomStream(seed: 7, purpose: "shuffle")
    var c = RandomStream(seed: 8, purpose: "init")
    let xa = (0..<8).map { _ in a.next() }
    #expect(xa != (0..<8).map { _ in b.next() })
    #expect(xa != (0..<8).map { _ in c.next() })
  }

  @Test func uniformAndNormalMoments() {
    var rng = RandomStream(seed: 1, purpose: "moments")
    let n = 200_000
    var sum = 0.0, sumSq = 0.0, uSum = 0.0
    for _ in 0..<n {
      let z = Double(rng.nextNormal())
      sum += z; sumSq += z * z
      uSum += Double(rng.nextFloat())
    }
    #expect(abs(sum / Double(n)) < 0.01)
    #expect(abs(sumSq / Double(n) - 1) < 0.02)
    #expect(abs(uSum / Double(n) - 0.5) < 0.005)
  }

  @Test func boundedIntsCoverRangeUniformly() {
    var rng = RandomStream(seed: 2, purpose: "ints")
    var counts = [Int](repeating: 0, count: 10)
    for _ in 0..<100_000 { counts[rng.nextInt(below: 10)] += 1 }
    #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
  }

  @Test func permutationIsAPermutation() {
    var rng = RandomStream(seed: 3, purpose: "perm")
    let p = rng.permutation(1000)
    #expect(p.sorted() == Array(0..<1000))
    #expect(p != Array(0..<1000))
  }
}
