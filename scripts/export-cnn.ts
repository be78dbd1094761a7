/**
 * Writes our CNN builders' weights and outputs for scripts/check_torch_cnn.py: for each model,
 * DIR/<name>.safetensors (its state dict, PyTorch's names) and DIR/<name>-io.safetensors (a
 * fixed input and our output on it, in eval mode). Usage:
 *   node --conditions=source --import tsx scripts/export-cnn.ts DIR [lenet5] [alexnet]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { alexnet, lenet5, manualSeed, noGrad, rand, saveSafetensors, type Sequential } from 'backprop';

const BUILDERS: Record<string, () => Sequential> = { lenet5: () => lenet5(), alexnet: () => alexnet() };

const [dir, ...names] = process.argv.slice(2);
if (!dir || names.some((n) => !(n in BUILDERS))) {
  console.error(`usage: export-cnn.ts DIR [${Object.keys(BUILDERS).join('] [')}]`);
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
for (const name of names.length ? names : Object.keys(BUILDERS)) {
  manualSeed(20261202);
  const model = BUILDERS[name]().eval();
  const x = rand([2, ...(model.inputShape ?? [])]);
  const y = noGrad(() => model.call(x));
  saveSafetensors(join(dir, `${name}.safetensors`), model.stateDict(), { format: 'pt' });
  saveSafetensors(join(dir, `${name}-io.safetensors`), { input: x, output: y });
  console.log(`${name}: ${model.numParameters()} parameters → ${join(dir, `${name}.safetensors`)}`);
}
