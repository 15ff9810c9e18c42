import _CKernels

/// Spike-driven (sparse) convolution kernels: work proportional to the active inputs.
extension Kernels {
  /// Input density below which ``sparseConv2d(images:rowStart:indices:values:channels:height:width:kernel:pad:outChannels:weightTransposed:scratch:out:threads:)``
  /// and its weight gradient beat im2col + BLAS, for inputs of `inputChannels` channels.
  ///
  /// Both do `density · c·k·k · cOut` multiply-adds per output pixel, the density times GEMM's,
  /// from cache rather than register-blocked, plus a fixed cost per pixel (listing, transposing
  /// from channels-last). Measured on the DVS ConvNet's blocks (80 images of 128² to 8², 3×3,
  /// 1 thread, Zen 4; OpenBLAS Cooperlake cores), forward + weight gradient: break-even near 50%
  /// for 32–128 input channels (at 5%, 4–9× faster than dense), but near 20% for the 2-channel
  /// event-count input, whose GEMM has k = 18 and is cheap (at 5%, 1.6× faster).
  public static func sparseConvCrossover(inputChannels: Int) -> Double {
    inputChannels < 16 ? 0.2 : 0.5
  }

  /// Scratch floats per thread part of ``sparseConv2d(images:rowStart:indices:values:channels:height:width:kernel:pad:outChannels:weightTransposed:scratch:out:threads:)``.
  public static func sparseConv2dScratchCount(
    channels c: Int, height h: Int, width w: Int, kernel k: Int, pad: Int, outChannels co: Int
  ) -> Int {
    Int(sdfa_conv_sparse_forward_scratch(Int64(c), Int64(h), Int64(w), Int64(k), Int64(pad), Int64(co)))
  }

  /// Convolves `images` sparse NCHW images (stride 1, zero padding `pad`, no bias).
  ///
  /// Image `i`'s active inputs are `indices[rowStart[i] ..< rowStart[i + 1]]`, flat indices
  /// `(ci · h + y) · w + x`, with `values` (nil: all 1). `weightTransposed` is the kernel as
  /// `[c · k · k, cOut]`; `out` is `[images, cOut, oh, ow]`; `scratch` holds `parts ·`
  /// ``sparseConv2dScratchCount(channels:height:width:kernel:pad:outChannels:)`` floats,
  /// `parts = min(threads, images)`. Images are dealt to parts round-robin, each written by one
  /// thread, so the result does not depend on `threads`. Each output pixel sums the kernel rows
  /// of the active inputs its taps reach in registers (`nnz · k² · cOut` multiply-adds), then
  /// each image is transposed from channels-last.
  public static func sparseConv2d(
    images: Int, rowStart: UnsafePointer<Int>, indices: UnsafePointer<Int32>,
    values: UnsafePointer<Float>?, channels c: Int, height h: Int, width w: Int, kernel k: Int,
    pad: Int, outChannels co: Int, weightTransposed wt: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, threads: Int
  ) {
    let pixels = (h + 2 * pad - k + 1) * (w + 2 * pad - k + 1)
    let parts = max(1, min(threads, images))
    let partSize = sparseConv2dScratchCount(
      channels: c, height: h, width: w, kernel: k, pad: pad, outChannels: co)
    parallelFor(parts, threads: parts) { p in
      for i in stride(from: p, to: images, by: parts) {
        let j0 = rowStart[i]
        sdfa_conv_sparse_forward(
          Int64(rowStart[i + 1] - j0), indices + j0, values.map { $0 + j0 }, Int64(h), Int64(w),
          Int64(k), Int64(pad), Int64(co), wt, scratch + p * partSize, out + i * co * pixels)
      }
    }
  }

  /// Scratch floats per thread part of ``sparseConv2dWeightGradient(images:rowStart:indices:values:channels:height:width:kernel:pad:outChannels:gradOut:scratch:gradWeight:threads:)``:
  /// the kernel's own, then a partial dW.
  public static func sparseConv2dWeightGradientScratchCount(
    channels c: Int, height h: Int, width w: Int, kernel k: Int, pad: Int, outChannels co: Int
  ) -> Int {
    Int(sdfa_conv_sparse_weight_grad_scratch(Int64(c), Int64(h), Int64(w), Int64(k), Int64(pad), Int64(co)))
      + c * k * k * co
  }

  /// Weight gradient of ``sparseConv2d(images:rowStart:indices:values:channels:height:width:kernel:pad:outChannels:weightTransposed:scratch:out:threads:)``:
  /// `gradWeight` `[cOut, c · k · k]` `= Σ_i dY_i · im2col(x_i)ᵀ`, from `gradOut` `[images, cOut,
  /// oh, ow]`.
  ///
  /// Each part (images round-robin, as the forward) turns its images' `dY` channels-last and,
  /// for each input channel and tap, sums the `cOut`-rows of `dY` its active inputs reach into
  /// its own `[c · k · k, cOut]` partial; the partials are summed in part order, so results are
  /// deterministic for a given `threads`. Needs `pad < k`. `scratch` holds `parts ·`
  /// ``sparseConv2dWeightGradientScratchCount(channels:height:width:kernel:pad:outChannels:)`` floats.
  public static func sparseConv2dWeightGradient(
    images: Int, rowStart: UnsafePointer<Int>, indices: UnsafePointer<Int32>,
    values: UnsafePointer<Float>?, channels c: Int, height h: Int, width w: Int, kernel k: Int,
    pad: Int, outChannels co: Int, gradOut dy: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, gradWeight: UnsafeMutablePointer<Float>, threads: Int
  ) {
    precondition(pad < k, "padding \(pad) ≥ kernel \(k)")
    let pixels = (h + 2 * pad - k + 1) * (w + 2 * pad - k + 1)
    let taps = c * k * k
    let parts = max(1, min(threads, images))
    let partSize = sparseConv2dWeightGradientScratchCount(
      channels: c, height: h, width: w, kernel: k, pad: pad, outChannels: co)
    let partial = { (p: Int) in scratch + (p + 1) * partSize - taps * co }
    parallelFor(parts, threads: parts) { p in
      partial(p).update(repeating: 0, count: taps * co)
      for i in stride(from: p, to: images, by: parts) {
        let j0 = rowStart[i]
        sdfa_conv_sparse_weight_grad(
          Int64(rowStart[i + 1] - j0), indices + j0, values.map { $0 + j0 }, Int64(h), Int64(w),
          Int64(k), Int64(pad), Int64(co), dy + i * co * pixels, scratch + p * partSize,
          partial(p))
      }
    }
    let first = partial(0)
    for p in 1..<parts {
      let other = partial(p)
      for j in 0..<(taps * co) { first[j] += other[j] }
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
}
