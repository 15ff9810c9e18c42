import _CKernels

/// Convolution (im2col), pooling and batch-norm kernels on NCHW images.
extension Kernels {
  /// Unrolls one image `x` `[c, h, w]` into `cols` `[c · k · k, h · w]` for a k×k, stride-1
  /// convolution with zero padding `pad` (output `h × w` when `k = 2 · pad + 1`).
  ///
  /// Row `ci · k · k + ky · k + kx`, column `y · w + x` holds `x[ci, y + ky − pad, x + kx − pad]`.
  public static func im2col(
    _ x: UnsafePointer<Float>, channels c: Int, height h: Int, width w: Int, kernel k: Int,
    pad: Int, cols: UnsafeMutablePointer<Float>
  ) {
    sdfa_im2col(Int64(c), Int64(h), Int64(w), Int64(k), Int64(pad), x, cols)
  }

  /// The adjoint of ``im2col(_:channels:height:width:kernel:pad:cols:)``: adds `cols` back into
  /// the image gradient `dx` `[c, h, w]` (which it accumulates into).
  public static func col2im(
    _ cols: UnsafePointer<Float>, channels c: Int, height h: Int, width w: Int, kernel k: Int,
    pad: Int, dx: UnsafeMutablePointer<Float>
  ) {
    sdfa_col2im(Int64(c), Int64(h), Int64(w), Int64(k), Int64(pad), cols, dx)
  }

  /// 2×2, stride-2 max pooling of `n` planes `[h, w]` into `[h/2, w/2]` (floor), recording the
  /// flat in-plane index of each maximum; ties go to the first in row-major window order, as
  /// PyTorch's CPU kernel. Planes are split over `threads`.
  public static func maxPool2x2(
    _ x: UnsafePointer<Float>, planes n: Int, height h: Int, width w: Int,
    out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>, threads: Int = 1
  ) {
    let po = (h / 2) * (w / 2)
    let parts = max(1, min(threads, n))
    parallelFor(parts, threads: parts) { p in
      let p0 = n * p / parts, p1 = n * (p + 1) / parts
      sdfa_maxpool2x2(
        Int64(p1 - p0), Int64(h), Int64(w), x + p0 * h * w, out + p0 * po, argmax + p0 * po)
    }
  }

  /// ``maxPool2x2(_:planes:height:width:out:argmax:threads:)`` of the spikes of `images` images
  /// of `planesPerImage` membrane planes (`S = H − threshold ≥ 0`, as the neuron set them) that
  /// also lists each image's non-zero outputs (flat indices into its `[planes, h/2, w/2]`) as
  /// CSR rows (`rowStart[images + 1]`, `indices` of capacity `images · planesPerImage · (h/2) ·
  /// (w/2)`). Images are split over `threads`; each writes its entries into its own slice of
  /// `indices`, then the slices are closed up in order. A nil `argmax` is not recorded.
  public static func maxPool2x2(
    spikesOf membrane: UnsafePointer<Float>, threshold: Float, images: Int,
    planesPerImage planes: Int, height h: Int, width w: Int, out: UnsafeMutablePointer<Float>,
    argmax: UnsafeMutablePointer<Int32>?, rowStart: UnsafeMutablePointer<Int>,
    indices: UnsafeMutablePointer<Int32>, threads: Int = 1
  ) {
    let po = (h / 2) * (w / 2), width = planes * po
    let parts = max(1, min(threads, images))
    parallelFor(parts, threads: parts) { p in
      for i in (images * p / parts)..<(images * (p + 1) / parts) {
        rowStart[i + 1] = Int(
          sdfa_spike_maxpool2x2(
            Int64(planes), Int64(h), Int64(w), membrane + i * planes * h * w, threshold,
            out + i * width, argmax.map { $0 + i * width }, indices + i * width))
      }
    }
    rowStart[0] = 0
    for i in 0..<images {
      let count = rowStart[i + 1]
      rowStart[i + 1] = rowStart[i] + count
      (indices + rowStart[i]).update(from: indices + i * width, count: count)
    }
  }

  /// Routes pooled gradients back to the recorded maxima: `dx` (zeroed here) `[n, h, w]`.
  ///
  /// `gradOut` and `argmax` are `[n, h/2, w/2]`.
  public static func maxPool2x2Backward(
    _ gradOut: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, planes n: Int, height h: Int,
    width w: Int, dx: UnsafeMutablePointer<Float>
  ) {
    sdfa_maxpool2x2_backward(Int64(n), Int64(h), Int64(w), gradOut, argmax, dx)
  }

}

extension Kernels {
  /// Training-mode batch norm of `x` `[n, c, plane]`: `stats` `[c, 3]` receives each channel's
  /// mean, `1 / sqrt(var + eps)` (biased variance) and unbiased variance, and `y` (unless nil)
  /// `γ · x̂ + β` with `x̂ = (x − mean) · invStd`. Sums in double in a fixed order; channels
  /// split over `threads`.
  public static func batchNorm2d(
    _ x: UnsafePointer<Float>, images n: Int, channels c: Int, plane: Int,
    gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
    y: UnsafeMutablePointer<Float>?, stats: UnsafeMutablePointer<Float>, threads: Int = 1
  ) {
    let parts = max(1, min(threads, c))
    parallelFor(parts, threads: parts) { p in
      for ch in (c * p / parts)..<(c * (p + 1) / parts) {
        sdfa_batchnorm_forward(
          Int64(n), Int64(c * plane), Int64(plane), x + ch * plane, y.map { $0 + ch * plane },
          gamma[ch], beta[ch], eps, stats + 3 * ch)
      }
    }
  }

  /// Backward of ``batchNorm2d(_:images:channels:plane:gamma:beta:eps:y:stats:threads:)`` for
  /// input `x` with its per-channel `mean` and `invStd`, in place: `g` holds dL/dy on entry and
  /// dL/dx on return; `grads` `[c, 2]` receives dγ and dβ.
  public static func batchNorm2dBackward(
    _ g: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, images n: Int,
    channels c: Int, plane: Int, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
    gamma: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>, threads: Int = 1
  ) {
    let parts = max(1, min(threads, c))
    parallelFor(parts, threads: parts) { p in
      for ch in (c * p / parts)..<(c * (p + 1) / parts) {
        sdfa_batchnorm_backward(
          Int64(n), Int64(c * plane), Int64(plane), x + ch * plane, mean[ch], invStd[ch],
          g + ch * plane, gamma[ch], grads + 2 * ch)
      }
    }
  }

  /// Multi-step neuron over `steps` steps of `planes` planes of `plane` units each, whose input
  /// is the batch norm `γ[c] · ((x − mean[c]) · invStd[c]) + β[c]` of plane `p` of channel
  /// `p % channels` (`x` itself when `mean` is nil): batch norm fused into the neuron, for
  /// spikes that are pooled before use. Writes only the membrane `h` (the spikes are
  /// `h − v_th ≥ 0`). `x`, `h`: `[steps, planes · plane]`; `v`: scratch of `planes · plane`.
  /// Planes are split over `threads`; returns the spike count.
  public static func batchNormNeuronCharge(
    steps: Int, planes: Int, plane: Int, channels: Int, x: UnsafePointer<Float>,
    mean: UnsafePointer<Float>?, invStd: UnsafePointer<Float>?, gamma: UnsafePointer<Float>?,
    beta: UnsafePointer<Float>?, h: UnsafeMutablePointer<Float>,
    v: UnsafeMutablePointer<Float>, neuron: NeuronParameters, threads: Int = 1
  ) -> Int {
    let parts = max(1, min(threads, planes))
    var counts = [Int64](repeating: 0, count: parts)
    counts.withUnsafeMutableBufferPointer { counts in
      parallelFor(parts, threads: parts) { p in
        counts[p] = sdfa_batchnorm_neuron_charge(
          Int64(steps), Int64(planes * plane), Int64(channels), Int64(plane),
          Int64(planes * p / parts), Int64(planes * (p + 1) / parts), x, mean, invStd, gamma,
          beta, h, v, neuron.leaky ? 1 : 0, neuron.tau, neuron.vThreshold)
      }
    }
    return Int(counts.reduce(0, +))
  }
}

extension Kernels {
  /// The backward pass of a pooled block's neuron straight from the pooled gradient: max-pool
  /// backward and ``neuronBackward(steps:m:h:s:gradS:broadcastOverTime:gradX:gv:neuron:threads:)``
  /// in one pass, dL/dS never stored and spikes recomputed from `h`.
  ///
  /// `h`, `gradX`: `[steps, planes, height, width]`; `argmax`: `[steps, planes, height/2,
  /// width/2]`, or nil to find the maxima again in `h`'s spikes; `gradPooled` the same shape,
  /// or one step's when `broadcastOverTime` (SDFA).
  /// Planes are split over `threads`.
  public static func pooledNeuronBackward(
    steps: Int, planes: Int, height: Int, width: Int, h: UnsafePointer<Float>,
    gradPooled: UnsafePointer<Float>, broadcastOverTime: Bool, argmax: UnsafePointer<Int32>?,
    gradX: UnsafeMutablePointer<Float>, neuron: NeuronParameters, threads: Int = 1
  ) {
    let parts = max(1, min(threads, planes))
    let stride = broadcastOverTime ? 0 : planes * (height / 2) * (width / 2)
    parallelFor(parts, threads: parts) { p in
      sdfa_pooled_neuron_backward(
        Int64(steps), Int64(planes), Int64(height), Int64(width), Int64(planes * p / parts),
        Int64(planes * (p + 1) / parts), h, gradPooled, Int64(stride), argmax, gradX,
        neuron.leaky ? 1 : 0, neuron.tau, neuron.vThreshold, neuron.alpha, neuron.detachReset ? 1 : 0,
        neuron.backwardThroughTime ? 1 : 0)
    }
  }
}
