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
    let oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1
    for ci in 0..<c {
      for ky in 0..<k {
        for kx in 0..<k {
          let row = cols + ((ci * k + ky) * k + kx) * oh * ow
          for y in 0..<oh {
            let iy = y + ky - pad
            let out = row + y * ow
            if iy < 0 || iy >= h {
              out.update(repeating: 0, count: ow)
              continue
            }
            let src = x + (ci * h + iy) * w
            for xo in 0..<ow {
              let ix = xo + kx - pad
              out[xo] = ix >= 0 && ix < w ? src[ix] : 0
            }
          }
        }
      }
    }
  }

  /// The adjoint of ``im2col(_:channels:height:width:kernel:pad:cols:)``: adds `cols` back into
  /// the image gradient `dx` `[c, h, w]` (which it accumulates into).
  public static func col2im(
    _ cols: UnsafePointer<Float>, channels c: Int, height h: Int, width w: Int, kernel k: Int,
    pad: Int, dx: UnsafeMutablePointer<Float>
  ) {
    let oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1
    for ci in 0..<c {
      for ky in 0..<k {
        for kx in 0..<k {
          let row = cols + ((ci * k + ky) * k + kx) * oh * ow
          for y in 0..<oh {
            let iy = y + ky - pad
            if iy < 0 || iy >= h { continue }
            let dst = dx + (ci * h + iy) * w
            for xo in 0..<ow {
              let ix = xo + kx - pad
              if ix >= 0 && ix < w { dst[ix] += row[y * ow + xo] }
            }
          }
        }
      }
    }
  }

  /// 2×2, stride-2 max pooling of `n` planes `[h, w]` into `[h/2, w/2]` (floor), recording the
  /// flat in-plane index of each maximum; ties go to the first in row-major window order, as
  /// PyTorch's CPU kernel.
  public static func maxPool2x2(
    _ x: UnsafePointer<Float>, planes n: Int, height h: Int, width w: Int,
    out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>
  ) {
    let oh = h / 2, ow = w / 2
    for p in 0..<n {
      let src = x + p * h * w
      let dst = out + p * oh * ow, arg = argmax + p * oh * ow
      for y in 0..<oh {
        for xo in 0..<ow {
          var best = (2 * y) * w + 2 * xo
          var value = src[best]
          for (dy, dx) in [(0, 1), (1, 0), (1, 1)] {
            let i = (2 * y + dy) * w + 2 * xo + dx
            if src[i] > value || src[i].isNaN {
              value = src[i]
              best = i
            }
          }
          dst[y * ow + xo] = value
          arg[y * ow + xo] = Int32(best)
        }
      }
    }
  }

  /// Routes pooled gradients back to the recorded maxima: `dx` (zeroed here) `[n, h, w]`.
  public static func maxPool2x2Backward(
    _ gradOut: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, planes n: Int, height h: Int,
    width w: Int, dx: UnsafeMutablePointer<Float>
  ) {
    let oh = h / 2, ow = w / 2
    dx.update(repeating: 0, count: n * h * w)
    for p in 0..<n {
      for i in 0..<(oh * ow) { dx[p * h * w + Int(argmax[p * oh * ow + i])] += gradOut[p * oh * ow + i] }
    }
  }
}
