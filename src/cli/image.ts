/**
 * Reads an image of a digit (PNG or PGM) into MNIST's form: 28×28 grey levels in [0, 1],
 * a light digit on a dark background (a dark-on-light image is inverted).
 */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { FileFormatError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** The most pixels an input image may have (4096 × 4096): a digit needs far fewer. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

/** Refuses a declared image size that is not whole, zero, or too large, before anything is allocated. */
function checkPixels(width: number, height: number, path: string, kind: string): void {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new FileFormatError(`${path}: bad ${kind} header: the size ${width}×${height} is not two whole numbers ≥ 1`);
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new FileFormatError(`${path}: the ${kind} header declares ${width}×${height} pixels, more than the ${MAX_IMAGE_PIXELS} (4096×4096) an input image may have; scale it down first`);
  }
}

/** Grey levels of an image file in [0, 1], with its size. */
export function readGrey(path: string): { width: number; height: number; grey: Float32Array } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new FileFormatError(`${path}: cannot read the image (${(e as Error).message})`);
  }
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) {
    // IHDR is the first chunk: width and height at bytes 16–23, checked before pngjs allocates.
    if (bytes.length >= 24 && bytes.toString('latin1', 12, 16) === 'IHDR') checkPixels(bytes.readUInt32BE(16), bytes.readUInt32BE(20), path, 'PNG');
    let png: PNG;
    try {
      png = PNG.sync.read(bytes);
    } catch (e) {
      throw new FileFormatError(`${path}: not a valid PNG (${(e as Error).message})`);
    }
    const grey = new Float32Array(png.width * png.height);
    for (let i = 0; i < grey.length; i++) {
      const r = png.data[4 * i], g = png.data[4 * i + 1], b = png.data[4 * i + 2], a = png.data[4 * i + 3] / 255;
      // Transparent pixels count as white paper.
      grey[i] = (a * (0.299 * r + 0.587 * g + 0.114 * b) + (1 - a) * 255) / 255;
    }
    return { width: png.width, height: png.height, grey };
  }
  const head = bytes.subarray(0, 2).toString('latin1');
  if (head === 'P5' || head === 'P2') return readPgm(bytes, path);
  throw new FileFormatError(`${path}: unsupported image format (expected PNG or PGM)`);
}

function readPgm(bytes: Buffer, path: string): { width: number; height: number; grey: Float32Array } {
  const tokens: string[] = [];
  let i = 0;
  const binary = bytes.subarray(0, 2).toString('latin1') === 'P5';
  while (tokens.length < 4 && i < bytes.length) {
    while (i < bytes.length && /\s/.test(String.fromCharCode(bytes[i]))) i++;
    if (bytes[i] === 0x23) { while (i < bytes.length && bytes[i] !== 0x0a) i++; continue; }
    let t = '';
    while (i < bytes.length && !/\s/.test(String.fromCharCode(bytes[i]))) t += String.fromCharCode(bytes[i++]);
    tokens.push(t);
  }
  if (tokens.length < 4) throw new FileFormatError(`${path}: bad PGM header: it ends before width, height and maximum grey level`);
  const [, w, h, max] = tokens.map(Number);
  checkPixels(w, h, path, 'PGM');
  if (!(Number.isInteger(max) && max > 0 && max < 65536)) throw new FileFormatError(`${path}: bad PGM header: the maximum grey level must be a whole number from 1 to 65535, got ${tokens[3]}`);
  // The pixels must be in the file before the image is allocated.
  let grey: Float32Array;
  if (binary) {
    i++;
    const bpp = max > 255 ? 2 : 1;
    if (bytes.length < i + w * h * bpp) throw new FileFormatError(`${path}: PGM data is truncated (${Math.max(0, bytes.length - i)} bytes for ${w}×${h} pixels)`);
    grey = new Float32Array(w * h);
    for (let k = 0; k < w * h; k++) grey[k] = (bpp === 2 ? bytes.readUInt16BE(i + 2 * k) : bytes[i + k]) / max;
  } else {
    const vals = bytes.subarray(i).toString('latin1').trim().split(/\s+/).map(Number);
    if (vals.length < w * h) throw new FileFormatError(`${path}: PGM has ${vals.length} values for ${w}×${h} pixels`);
    grey = new Float32Array(w * h);
    for (let k = 0; k < w * h; k++) {
      if (!(vals[k] >= 0 && vals[k] <= max)) throw new FileFormatError(`${path}: PGM pixel ${k} is ${String(vals[k])}, not a grey level from 0 to ${max}`);
      grey[k] = vals[k] / max;
    }
  }
  return { width: w, height: h, grey };
}

/** Area-average resampling of the box (x0, y0, w, h) of a grey image to outW × outH. */
function resample(grey: Float32Array, width: number, box: { x0: number; y0: number; w: number; h: number }, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const y0 = box.y0 + (oy * box.h) / outH, y1 = box.y0 + ((oy + 1) * box.h) / outH;
      const x0 = box.x0 + (ox * box.w) / outW, x1 = box.x0 + ((ox + 1) * box.w) / outW;
      let s = 0, wsum = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          s += grey[y * width + x] * wx * wy;
          wsum += wx * wy;
        }
      }
      out[oy * outW + ox] = wsum > 0 ? s / wsum : 0;
    }
  }
  return out;
}

/**
 * An image file as one MNIST-like digit, [1, 784] in [0, 1], prepared as MNIST's digits were:
 * light ink on a dark background (inverted if needed), cropped to the ink, scaled so its longer
 * side is 20 pixels (keeping the aspect ratio), and centred by its centre of mass in 28×28.
 */
export function readDigit(path: string): Tensor {
  const { width, height, grey } = readGrey(path);
  if (width < 8 || height < 8) throw new FileFormatError(`${path}: the image is ${width}×${height} pixels; a digit needs at least 8×8`);
  let mean = 0;
  for (const v of grey) mean += v;
  mean /= grey.length;
  if (mean > 0.5) for (let i = 0; i < grey.length; i++) grey[i] = 1 - grey[i];
  // Crop to the ink: pixels clearly brighter than the background.
  let lo = Infinity, hi = -Infinity;
  for (const v of grey) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const cut = lo + 0.2 * (hi - lo);
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (grey[y * width + x] > cut) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  if (x1 < 0 || hi - lo < 0.1) throw new FileFormatError(`${path}: no digit found (the image is almost uniform)`);
  // Rescale so grey levels span [0, 1] with the background at 0.
  for (let i = 0; i < grey.length; i++) grey[i] = Math.max(0, (grey[i] - lo) / (hi - lo));
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const sw = Math.max(1, Math.round(bw * scale)), sh = Math.max(1, Math.round(bh * scale));
  const digit = resample(grey, width, { x0, y0, w: bw, h: bh }, sw, sh);
  // Centre of mass of the scaled digit, placed at the centre of the 28×28 field.
  let m = 0, cx = 0, cy = 0;
  for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) { const v = digit[y * sw + x]; m += v; cx += v * x; cy += v * y; }
  const ox = Math.round(14 - (m > 0 ? cx / m : sw / 2) - 0.5);
  const oy = Math.round(14 - (m > 0 ? cy / m : sh / 2) - 0.5);
  const out = new Float32Array(784);
  for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) {
    const tx = x + ox, ty = y + oy;
    if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) out[ty * 28 + tx] = digit[y * sw + x];
  }
  return new Tensor(out, [1, 784]);
}
