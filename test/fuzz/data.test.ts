// Fuzzing the data loaders (IDX, CSV, PNG, PGM): every mutant of a valid file either loads or
// throws a BackpropError — never a TypeError, RangeError or an unbounded allocation.
// BACKPROP_FUZZ_SECONDS=20 runs each loader for 20 s instead of 2 s.
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { fuzz, assertAllTyped } from './mutate.js';
import { encodeIdx, loadIdxDataset, loadCsv } from '../../src/data/index.js';
import { readGrey, readDigit } from '../../src/cli/image.js';
import { tempFolder } from '../cli/harness.js';

const dir = tempFolder('bp-fuzz-data-');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Writes the bytes to `name` in the temp folder and returns its path (loaders read files). */
function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

test('fuzz IDX: image and label files, plain and gzipped, every element type', () => {
  const pixels = Uint8Array.from({ length: 3 * 4 * 4 }, (_, i) => (i * 37) % 256);
  const images = encodeIdx({ shape: [3, 4, 4], data: pixels });
  const labels = encodeIdx({ shape: [3], data: Uint8Array.from([0, 7, 9]) });
  const seeds = [
    images,
    gzipSync(images),
    encodeIdx({ shape: [3, 2, 2], data: Int16Array.from({ length: 12 }, (_, i) => i * 1000 - 6000) }),
    encodeIdx({ shape: [3, 2, 2], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) }),
    encodeIdx({ shape: [3, 1, 2], data: Float64Array.from([0.5, -1, 2, 1e300, -0, 3]) }),
    encodeIdx({ shape: [3, 1, 1], data: Int32Array.from([1, -2, 3]) }),
    encodeIdx({ shape: [3, 1, 1], data: Int8Array.from([1, -2, 3]) }),
    labels,
    gzipSync(labels),
  ];
  const good = file('labels.idx', labels);
  const goodImages = file('images.idx', images);
  let k = 0;
  assertAllTyped(fuzz('IDX', seeds, (bytes) => {
    const p = file('mutant.idx', bytes);
    // Alternate which of the pair is the mutant, so both the image and the label checks are reached.
    return (k++ % 2 === 0) ? loadIdxDataset(p, good, { flatten: k % 4 === 0 }) : loadIdxDataset(goodImages, p);
  }, { seed: 6 }));
});

test('fuzz CSV: headers, text and numeric labels, quotes, CRLF, exponents', () => {
  const seeds = [
    'sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n6.2,2.9,virginica\n',
    '1,2,0\n3,4,1\n-5e-3,+6.25,1\r\n.5,7.,0\r\n',
    '"a","b ""quoted""",label\n"1","2",x\n"3","4",y\n',
    'x;y;t\n1;2;3\n4;5;6\n',
    'f1,f2\n1e3,2E-2\n',
  ].map(enc);
  let k = 0;
  assertAllTyped(fuzz('CSV', seeds, (bytes) => {
    const p = file('mutant.csv', bytes);
    switch (k++ % 4) {
      case 0: return loadCsv(p, { labelColumn: -1 });
      case 1: return loadCsv(p);
      case 2: return loadCsv(p, { labelColumn: 'species', header: true });
      default: return loadCsv(p, { labelColumn: 0, delimiter: ';', classes: ['3', '6'] });
    }
  }, { seed: 7 }));
});

/** A small PNG: a light stroke on a dark field, in the given colour type. */
function png(width: number, height: number, colorType: 0 | 2 | 6, bitDepth: 8 | 16 = 8): Uint8Array {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = 4 * (y * width + x);
    const ink = Math.abs(x - y) < 2 ? 255 : 10;
    img.data[i] = ink; img.data[i + 1] = ink; img.data[i + 2] = ink; img.data[i + 3] = 255;
  }
  return PNG.sync.write(img, { colorType, bitDepth, inputHasAlpha: true });
}

/** The PNG with every whole chunk's CRC recomputed, so a mutant gets past the checksums to the decoder. */
function resign(bytes: Uint8Array): Uint8Array {
  const b = Buffer.from(bytes);
  for (let at = 8; at + 12 <= b.length;) {
    const len = b.readUInt32BE(at);
    if (at + 12 + len > b.length) break;
    b.writeUInt32BE(crc32(b.subarray(at + 4, at + 8 + len)), at + 8 + len);
    at += 12 + len;
  }
  return b;
}

test('fuzz PNG: grey, RGB and RGBA digits through readGrey and readDigit, half of them re-signed', () => {
  const seeds = [png(8, 8, 0), png(12, 10, 2), png(28, 28, 6), png(9, 9, 0, 16)];
  let k = 0;
  assertAllTyped(fuzz('PNG', seeds, (bytes) => {
    const p = file('mutant.png', k % 4 < 2 ? resign(bytes) : bytes);
    return k++ % 2 === 0 ? readGrey(p) : readDigit(p);
  }, { seed: 8 }));
});

test('fuzz PGM: binary (8 and 16 bit) and ASCII, with comments', () => {
  const body = Uint8Array.from({ length: 10 * 10 }, (_, i) => (i % 11 === 0 ? 250 : 5));
  const p5 = new Uint8Array([...enc('P5\n# a digit\n10 10\n255\n'), ...body]);
  const wide = new Uint8Array([...enc('P5 8 8 65535\n'), ...Array.from({ length: 128 }, (_, i) => (i * 13) % 256)]);
  const p2 = enc(`P2\n8 8\n15\n${Array.from({ length: 64 }, (_, i) => (i % 9 === 0 ? 15 : 0)).join(' ')}\n`);
  let k = 0;
  assertAllTyped(fuzz('PGM', [p5, wide, p2], (bytes) => {
    const p = file('mutant.pgm', bytes);
    return k++ % 2 === 0 ? readGrey(p) : readDigit(p);
  }, { seed: 9 }));
});
