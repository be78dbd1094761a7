/**
 * Writes a .safetensors file with our encoder plus the expected float32 bit patterns, for
 * `/usr/bin/python3 scripts/make_io_fixtures.py --verify DIR/ours.safetensors DIR/ours.json`
 * to load in Python and compare. Usage: npx tsx --conditions=source scripts/write-safetensors-sample.ts DIR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromTypedArray, manualSeed, randn, saveSafetensors, tensor, zeros, type Tensor } from 'backprop';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: write-safetensors-sample.ts DIR');
  process.exit(2);
}
// Bit patterns a lossy writer would damage: NaN payloads, −0, infinities, subnormals, extremes.
const SPECIAL_BITS = [
  0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x7fc00000, 0x7fa00001, 0xffc00123, 0x7f800000,
  0xff800000, 0x00000001, 0x007fffff, 0x80000005, 0x7f7fffff, 0x00800000, 0xff7fffff, 0x3dcccccd,
];
const bitsOf = (t: Tensor): number[] => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.size));

mkdirSync(dir, { recursive: true });
manualSeed(7);
const tensors: Record<string, Tensor> = {
  'fc1.weight': randn([4, 3]),
  'fc1.bias': randn([4]),
  specials: fromTypedArray(new Float32Array(new Uint32Array(SPECIAL_BITS).buffer), [4, 4]),
  scalar: tensor(-0.5),
  empty: zeros([2, 0]),
};
const metadata = { format: 'pt', producer: 'backprop' };
saveSafetensors(join(dir, 'ours.safetensors'), tensors, metadata);
const expected = { metadata, tensors: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { dtype: 'F32', shape: [...t.shape], bits: bitsOf(t) }])) };
writeFileSync(join(dir, 'ours.json'), JSON.stringify(expected));
console.log(`wrote ${join(dir, 'ours.safetensors')} and ${join(dir, 'ours.json')}`);
