import _CKernels

/// Spike-driven (sparse) convolution kernels: work proportional to the active inputs.
extension Kernels {
  /// Input density below which ``sparseConv2d(images:rowStart:indices:values:channels:height:width:kernel:pad:outChannels:weightTransposed:scratch:out:threads:)``
  /// and its weight gradient beat im2col + BLAS.
  ///
  /// Both do `density · c·k·k · cOut` multiply-adds per output pixel, the same as GEMM times the
  /// density, but as read-modify-write of cOut-vectors rather than register-blocked FMAs, plus a
  /// fixed cost (clearing and transposing one channels-last image). Measured on the DVS
  /// ConvNet's blocks (80 images, 2 threads, Zen 4 with OpenBLAS's Cooperlake cores, forward +
  /// weight gradient): break-even at 30–40% for the 32–128-channel blocks, near 10% for the
  /// 2-channel input block, whose GEMM is tiny; at 5% the sparse kernels are 4–8× faster on
  /// the former and even on the latter.
  public static let sparseConvCrossover: Double = 0.25

  /// Scratch floats per thread part of ``sparseConv2d(images:rowStart:indices:values:channels:height:width:kernel:pad:outChannels:weightTransposed:scratch:out:threads:)``.
  public static func sparseConv2dScratchCount(outPixels: Int, outChannels co: Int) -> Int {
    outPixels * co
  }

  /// Convolves `images` sparse NCHW images (stride 1, zero padding `pad`, no bias).
  ///
  /// Image `i`'s active inputs are `indices[rowStart[i] ..< rowStart[i + 1]]`, flat indices
  /// `(ci · h + y) · w + x`, with `values` (nil: all 1). `weightTransposed` is the kernel as
  /// `[c · k · k, cOut]`; `out` is `[images, cOut, oh, ow]`; `scratch` holds
  /// `parts · oh · ow · cOut` floats, `parts = min(threads, images)`. Images are dealt to parts
  /// round-robin, each written by one thread, so the result does not depend on `threads`.
  /// Complexity: `nnz · k² · cOut` multiply-adds plus one transpose per image.
  public static func sparseConv2d(
    images: Int, rowStart: UnsafePointer<Int>, indices: UnsafePointer<Int32>,
    values: UnsafePointer<Float>?, channels c: Int, height h: Int, width w: Int, kernel k: Int,
    pad: Int, outChannels co: Int, weightTransposed wt: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, threads: Int
  ) {
    let pixels = (h + 2 * pad - k + 1) * (w + 2 * pad - k + 1)
    let parts = max(1, min(threads, images))
    parallelFor(parts, threads: parts) { p in
      let acc = scratch + p * pixels * co
      for i in stride(from: p, to: images, by: parts) {
        let j0 = rowStart[i]
        sdfa_conv_sparse_forward(
          Int64(rowStart[i + 1] - j0), indices + j0, values.map { $0 + j0 }, Int64(h), Int64(w),
          Int64(k), Int64(pad), Int64(co), wt, acc, out + i * co * pixels)
      }
    }
  }

  /// Scratch floats per thread part of ``sparseConv2dWeightGradient(images:rowStart:indices:values:channels:height:width:kernel:pad:outChannels:gradOut:scratch:gradWeight:threads:)``.
  public static func sparseConv2dWeightGradientScratchCount(
    channels c: Int, kernel k: Int, outPixels: Int, outChannels co: Int
  ) -> Int {
    (outPixels + c * k * k) * co
  }

  /// Weight gradient of ``sparseConv2d(images:rowStart:indices:values:channels:height:width:kernel:pad:outChannels:weightTransposed:scratch:out:threads:)``:
  /// `gradWeight` `[cOut, c · k · k]` `= Σ_i dY_i · im2col(x_i)ᵀ`, from `gradOut` `[images, cOut,
  /// oh, ow]`.
  ///
  /// Each part (images round-robin, as the forward) turns its images' `dY` channels-last and
  /// adds, for every active input and tap, a `cOut`-row of it into its own `[c · k · k, cOut]`
  /// partial; the partials are summed in part order, so results are deterministic for a given
  /// `threads`. `scratch` holds `parts ·` ``sparseConv2dWeightGradientScratchCount(channels:kernel:outPixels:outChannels:)`` floats.
  public static func sparseConv2dWeightGradient(
    images: Int, rowStart: UnsafePointer<Int>, indices: UnsafePointer<Int32>,
    values: UnsafePointer<Float>?, channels c: Int, height h: Int, width w: Int, kernel k: Int,
    pad: Int, outChannels co: Int, gradOut dy: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, gradWeight: UnsafeMutablePointer<Float>, threads: Int
  ) {
    let pixels = (h + 2 * pad - k + 1) * (w + 2 * pad - k + 1)
    let taps = c * k * k
    let parts = max(1, min(threads, images))
    let partSize = sparseConv2dWeightGradientScratchCount(
      channels: c, kernel: k, outPixels: pixels, outChannels: co)
    parallelFor(parts, threads: parts) { p in
      let dzt = scratch + p * partSize, dwt = dzt + pixels * co
      dwt.update(repeating: 0, count: taps * co)
      for i in stride(from: p, to: images, by: parts) {
        let j0 = rowStart[i]
        sdfa_transpose(Int64(co), Int64(pixels), dy + i * co * pixels, Int64(pixels), dzt, Int64(co))
        sdfa_conv_sparse_weight_grad(
          Int64(rowStart[i + 1] - j0), indices + j0, values.map { $0 + j0 }, Int64(h), Int64(w),
          Int64(k), Int64(pad), Int64(co), dzt, dwt)
      }
    }
    let first = scratch + pixels * co
    for p in 1..<parts {
      let dwt = scratch + p * partSize + pixels * co
      for j in 0..<(taps * co) { first[j] += dwt[j] }
    }
    sdfa_transpose(Int64(taps), Int64(co), first, Int64(co), gradWeight, Int64(taps))
  }

  /// `dst` `[cols, rows]` (leading dimension `ldd`) `=` the transpose of `src` `[rows, cols]`.
  public static func transpose(
    rows: Int, cols: Int, _ src: UnsafePointer<Float>, lds: Int,
    into dst: UnsafeMutablePointer<Float>, ldd: Int
  ) {
    sdfa_transpose(Int64(rows), Int64(cols), src, Int64(lds), dst, Int64(ldd))
  }

  /// The column indices of the non-zeros of each row of `x` `[rows, width]`, in CSR form
  /// (`rowStart[rows + 1]`, `indices` of capacity `rows · width`). Rows are split over
  /// `threads`: count, prefix sum, then each part writes its own rows.
  public static func nonzeroIndices(
    rows: Int, width: Int, _ x: UnsafePointer<Float>, rowStart: UnsafeMutablePointer<Int>,
    indices: UnsafeMutablePointer<Int32>, threads: Int = 1
  ) {
    let rs = UnsafeMutableRawPointer(rowStart).assumingMemoryBound(to: Int64.self)
    let parts = max(1, min(threads, rows))
    parallelFor(parts, threads: parts) { p in
      let r0 = rows * p / parts, r1 = rows * (p + 1) / parts
      sdfa_count_spikes(Int64(r1 - r0), Int64(width), x + r0 * width, rs + r0 + 1)
    }
    rs[0] = 0
    for r in 0..<rows { rs[r + 1] += rs[r] }
    parallelFor(parts, threads: parts) { p in
      let r0 = rows * p / parts, r1 = rows * (p + 1) / parts
      sdfa_emit_spikes(Int64(r1 - r0), Int64(width), x + r0 * width, rs + r0, indices)
    }
  }
}
