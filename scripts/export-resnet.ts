/**
 * Writes our ResNets' weights and outputs for scripts/check_torch_resnet.py: for each preset,
 * DIR/<name>.safetensors (its state dict, torchvision's names) and DIR/<name>-io.safetensors (a
 * fixed input and our eval-mode output on it). Before export, two training-mode batches move the
 * batch-norm running statistics away from 0 and 1 and γ, β are drawn at random, so every tensor
 * of the state dict matters. Usage:
 *   node --conditions=source --import tsx scripts/export-resnet.ts DIR [small] [resnet18] [resnet34]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BatchNorm2d, loadSafetensors, manualSeed, noGrad, rand, randn, resnet18, resnet34, resnetSmall, saveSafetensors, type ResNet } from 'backprop';

const BUILDERS: Record<string, () => ResNet> = { small: () => resnetSmall(), resnet18: () => resnet18(), resnet34: () => resnet34() };
/** Input side per preset: the small one's 28, and 64 for the ImageNet ones (any side ≥ 32 runs through them; 224 is slow here). */
const SIDE: Record<string, number> = { small: 28, resnet18: 64, resnet34: 64 };

const load = process.argv[2] === '--load';
const [dir, ...names] = process.argv.slice(load ? 3 : 2);
if (!dir || names.some((n) => !(n in BUILDERS))) {
  console.error(`usage: export-resnet.ts DIR [${Object.keys(BUILDERS).join('] [')}]`);
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
for (const name of load ? names : []) {
  const model = BUILDERS[name]();
  model.loadStateDict(loadSafetensors(join(dir, `${name}-torch.safetensors`)).tensors, { strict: true });
  model.eval();
  const io = loadSafetensors(join(dir, `${name}-torch-io.safetensors`)).tensors;
  const y = noGrad(() => model.call(io.input));
  const diff = y.data.reduce((m, v, i) => Math.max(m, Math.abs(v - io.output.data[i])), 0);
  console.log(`${name}: torch state dict loads; max |ours − torch| = ${diff}`);
}
for (const name of load ? [] : names.length ? names : Object.keys(BUILDERS)) {
  manualSeed(20261202);
  const model = BUILDERS[name]();
  const shape = [model.inChannels, SIDE[name], SIDE[name]];
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BatchNorm2d) || !m.weight || !m.bias) continue;
    m.weight.data.set(rand([m.numFeatures]).data.map((v) => 0.5 + v));
    m.bias.data.set(randn([m.numFeatures]).data.map((v) => 0.1 * v));
  }
  noGrad(() => { for (let i = 0; i < 2; i++) model.call(randn([2, ...shape])); });
  model.eval();
  const x = randn([2, ...shape]);
  const y = noGrad(() => model.call(x));
  saveSafetensors(join(dir, `${name}.safetensors`), model.stateDict(), { format: 'pt' });
  saveSafetensors(join(dir, `${name}-io.safetensors`), { input: x, output: y });
  console.log(`${name}: ${model.numParameters()} parameters → ${join(dir, `${name}.safetensors`)}`);
}
