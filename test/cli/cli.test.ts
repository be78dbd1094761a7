// The backprop command: presets, config validation, eval/predict/info on saved models, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { cli, tempFolder } from './harness.js';
import { loadMnist } from '../../src/data/index.js';
import { manualSeed } from '../../src/index.js';

const dir = tempFolder('bp-cli-');


test('--help on every command exits 0 and describes it', () => {
  for (const args of [['--help'], ['train', '--help'], ['eval', '--help'], ['predict', '--help'], ['info', '--help']]) {
    const r = cli(...args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.out, /Usage: backprop/);
  }
  assert.match(cli('train', '--help').out, /--preset <name>.*xor/s);
});

test('bad usage exits 2 with a message', () => {
  let r = cli('train', '--nope');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown option '--nope'/);
  r = cli('train', '--preset', 'bogus');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown preset 'bogus' \(known: mnist-mlp, mnist-logistic, xor, and, or, spirals, circles, parity, reverse, addition, number-words, mnist-lenet, fashion-lenet, char-rnn\)/);
  r = cli('frobnicate');
  assert.equal(r.code, 2);
  r = cli('train', '--epochs', '0');
  assert.equal(r.code, 2);
  assert.match(r.err, /--epochs must be a whole number ≥ 1, got '0'/);
  r = cli('train', '--progress', 'fancy');
  assert.equal(r.code, 2);
});

test('train --config: errors name the bad field', () => {
  const cases: [object, RegExp][] = [
    [{ optimizer: { type: 'sgd', lr: -1 } }, /config.optimizer.lr: must be > 0, got -1/],
    [{ optimizer: { type: 'sdg', lr: 0.1 } }, /config.optimizer.type: must be one of 'sgd', 'adam', 'adamw', 'rmsprop', got "sdg"/],
    [{ batchSize: 0 }, /config.batchSize: must be ≥ 1, got 0/],
    [{ epochs: 'ten' }, /config.epochs: must be a number, got "ten"/],
    [{ loss: 'hinge' }, /config.loss: must be one of/],
    [{ model: { type: 'mlp', sizes: [784] } }, /config.model.sizes: must be a list of at least two/],
    [{ data: { name: 'mnist', train: 9000, test: 2000 } }, /10,000 digits; train \+ test = 11000/],
    [{ lerning_rate: 0.1 }, /config: unknown field 'lerning_rate'/],
    [{ model: { type: 'mlp', sizes: [10, 2] } }, /config.model.sizes: the input size 10 does not match the data's 784 features/],
  ];
  for (const [cfg, pattern] of cases) {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify(cfg));
    const r = cli('train', '--config', path, '--progress', 'none', '--out', join(dir, 'bad'));
    assert.equal(r.code, 2, `${JSON.stringify(cfg)} → ${r.err}`);
    assert.match(r.err, pattern);
  }
  writeFileSync(join(dir, 'broken.json'), '{ "epochs": 3, ');
  assert.match(cli('train', '--config', join(dir, 'broken.json')).err, /not valid JSON/);
  assert.match(cli('train', '--config', join(dir, 'missing.json')).err, /cannot read the file \(ENOENT\)/);
});

test('train --preset xor learns XOR, saves model + curve; info, eval and predict use it', () => {
  const out = join(dir, 'xor');
  const r = cli('train', '--preset', 'xor', '--progress', 'none', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /training accuracy 100.00 %/);
  for (const f of ['model.json', 'model.safetensors', 'curve.svg', 'history.json', 'checkpoint.safetensors']) assert.ok(existsSync(join(out, f)), f);
  assert.match(readFileSync(join(out, 'curve.svg'), 'utf8'), /<svg[^>]*>[\s\S]*<polyline/);

  const info = cli('info', out);
  assert.equal(info.code, 0);
  assert.match(info.out, /Linear\(inFeatures=2, outFeatures=2, bias=true\)/);
  assert.match(info.out, /parameters: 9/);
  assert.match(info.out, /0\.weight\s+\[2, 2\]/);

  const ev = cli('eval', join(out, 'model.json'), '--data', 'xor');
  assert.equal(ev.code, 0, ev.err);
  assert.match(ev.out, /accuracy 100.00 %/);

  const pr = cli('predict', out, '--input', '[[0,0],[0,1],[1,0],[1,1]]');
  assert.equal(pr.code, 0, pr.err);
  const outputs = [...pr.out.matchAll(/output ([\d.]+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(outputs.map((v) => (v > 0.5 ? 1 : 0)), [0, 1, 1, 0]);

  const bad = cli('predict', out, '--input', '[[1,2,3]]');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /the model takes 2 inputs per sample, but the input has shape \[1, 3\]/);
  assert.equal(cli('predict', out).code, 2);
});

test('train --preset and/or converges with the perceptron rule (exit 0)', () => {
  for (const p of ['and', 'or']) {
    const r = cli('train', '--preset', p, '--progress', 'none', '--out', join(dir, p));
    assert.equal(r.code, 0);
    assert.match(r.out, /perceptron converged after \d+ epoch/);
  }
});

test('a perceptron config on XOR reports failure to converge (exit 1)', () => {
  const path = join(dir, 'xor-perceptron.json');
  writeFileSync(path, JSON.stringify({ data: { name: 'xor' }, model: { type: 'perceptron', maxEpochs: 50 }, epochs: 50 }));
  const r = cli('train', '--config', path, '--progress', 'none', '--out', join(dir, 'xp'));
  assert.equal(r.code, 1);
  assert.match(r.out, /did NOT converge within 50 epochs/);
});

test('a corrupt or missing model file is refused with exit 1 and names the file', () => {
  const out = join(dir, 'xor');
  if (!existsSync(join(out, 'model.json'))) cli('train', '--preset', 'xor', '--progress', 'none', '--out', out);
  const broken = join(dir, 'broken');
  writeFileSync(`${broken}.json`, readFileSync(join(out, 'model.json')));
  writeFileSync(`${broken}.safetensors`, readFileSync(join(out, 'model.safetensors')).subarray(0, 40));
  const r = cli('info', broken);
  assert.equal(r.code, 1);
  assert.match(r.err, /broken\.safetensors/);
  const m = cli('eval', join(dir, 'nothing-here'), '--data', 'xor');
  assert.equal(m.code, 1);
});

test('an MNIST config trains, and predict reads a digit image (PGM)', () => {
  const cfgPath = join(dir, 'mnist-small.json');
  writeFileSync(cfgPath, JSON.stringify({ data: { name: 'mnist', train: 2000, test: 500 }, model: { type: 'mlp', sizes: [784, 64, 10] }, epochs: 3, schedule: { type: 'cosine', tMax: 3 } }));
  const out = join(dir, 'mnist');
  const r = cli('train', '--config', cfgPath, '--progress', 'none', '--out', out);
  assert.equal(r.code, 0, r.err);
  const acc = Number(/test accuracy ([\d.]+) %/.exec(r.out)?.[1]);
  assert.ok(acc >= 85, `test accuracy ${acc} %`);
  // Write a test digit as a PGM image (dark digit on white paper, 56×56, as a scan might be).
  manualSeed(0);
  const { test: t } = loadMnist({ train: 2000, test: 500, flatten: true });
  let shown = -1;
  let hits = 0;
  for (let k = 0; k < 10; k++) {
    const img = t.x.data.subarray(k * 784, (k + 1) * 784);
    const px = Buffer.alloc(56 * 56);
    for (let y = 0; y < 56; y++) for (let x = 0; x < 56; x++) px[y * 56 + x] = 255 - Math.round(img[(y >> 1) * 28 + (x >> 1)] * 255);
    const path = join(dir, `digit${k}.pgm`);
    writeFileSync(path, Buffer.concat([Buffer.from('P5\n# a digit\n56 56\n255\n'), px]));
    const p = cli('predict', out, '--input', path);
    assert.equal(p.code, 0, p.err);
    const cls = Number(/class (\d)/.exec(p.out)?.[1]);
    if (cls === t.y.data[k]) hits++;
    shown = cls;
  }
  assert.ok(shown >= 0);
  // The same for a PNG: an RGBA image, light digit on a transparent/dark background, 28×28.
  const png = new PNG({ width: 28, height: 28 });
  const first = t.x.data.subarray(0, 784);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(first[i] * 255);
    png.data.set([v, v, v, 255], 4 * i);
  }
  const pngPath = join(dir, 'digit.png');
  writeFileSync(pngPath, PNG.sync.write(png));
  const pp = cli('predict', out, '--input', pngPath);
  assert.equal(pp.code, 0, pp.err);
  assert.equal(Number(/class (\d)/.exec(pp.out)?.[1]), t.y.data[0]);
  writeFileSync(join(dir, 'bad.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
  const bad = cli('predict', out, '--input', join(dir, 'bad.png'));
  assert.equal(bad.code, 1);
  assert.match(bad.err, /bad\.png: not a valid PNG/);
  assert.ok(hits >= 8, `${hits}/10 image digits recognised`);
  const ev = cli('eval', out);
  assert.equal(ev.code, 0, ev.err);
  assert.match(ev.out, /confusion matrix/);
});

test('the bin entry point runs as a process and returns the exit code', () => {
  const res = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli/bin.ts', 'train', '--preset', 'nope'], { encoding: 'utf8' });
  assert.equal(res.status, 2);
  assert.match(res.stderr, /unknown preset 'nope'/);
});

test('--version prints the package version', () => {
  const r = cli('--version');
  assert.equal(r.code, 0);
  assert.match(r.out, /^\d+\.\d+\.\d+$/);
});

test('--resume alone continues a run from the config saved in its folder', () => {
  const out = join(dir, 'resume-spirals');
  const first = cli('train', '--preset', 'spirals', '--epochs', '6', '--progress', 'none', '--out', out);
  assert.equal(first.code, 0, first.err);
  assert.ok(existsSync(join(out, 'config.json')));
  const r = cli('train', '--resume', join(out, 'checkpoint.safetensors'), '--epochs', '8', '--progress', 'none');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /trained 8 epoch\(s\)/);
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { epochs: unknown[] };
  assert.equal(history.epochs.length, 8);
  assert.match(cli('train', '--resume', join(dir, 'none.safetensors')).err, /no such checkpoint file/);
});

test('validationSplit holds out training data for per-epoch validation; earlyStopping never watches the test set', () => {
  const cfg = join(dir, 'val.json');
  writeFileSync(cfg, JSON.stringify({ data: { name: 'circles', n: 400, noise: 0.05 }, model: { type: 'mlp', sizes: [2, 16, 2] }, optimizer: { type: 'adam', lr: 0.02 }, batchSize: 32, epochs: 30, schedule: null, earlyStopping: { patience: 3 } }));
  const out = join(dir, 'val');
  const r = cli('train', '--config', cfg, '--progress', 'none', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /validation split of 10 %/);
  assert.match(r.err, /288 training samples, 32 validation samples, 80 test samples/);
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { epochs: Record<string, number>[] };
  assert.ok('valLoss' in history.epochs[0]);
});

test('a CSV with features on different scales is standardised, split by class, and predict/eval reuse the scaling', () => {
  // Class decided by f1 alone (0–1); f2 is noise on a scale of thousands.
  let csv = 'f1,f2,label\n';
  for (let i = 0; i < 300; i++) {
    const c = i % 3;
    csv += `${((c + 0.2 + 0.6 * ((i * 7) % 10) / 10) / 3).toFixed(4)},${(5000 + ((i * 7919) % 1000) * 3).toFixed(1)},${['low', 'mid', 'high'][c]}\n`;
  }
  writeFileSync(join(dir, 'scaled.csv'), csv);
  const cfg = join(dir, 'scaled-config.json');
  writeFileSync(cfg, JSON.stringify({ data: { name: 'csv', path: join(dir, 'scaled.csv'), labelColumn: 'label' }, model: { type: 'mlp', sizes: [2, 16, 3] }, optimizer: { type: 'adam', lr: 0.01 }, epochs: 40, batchSize: 16, schedule: null }));
  const out = join(dir, 'scaled');
  const r = cli('train', '--config', cfg, '--progress', 'none', '--out', out);
  assert.equal(r.code, 0, r.err);
  const acc = Number(/test accuracy ([\d.]+) %/.exec(r.out)?.[1]);
  assert.ok(acc >= 95, `test accuracy ${acc} %`);
  const meta = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { metadata: { standardizer?: { mean: number[] }; classes?: string[] } };
  assert.deepEqual(meta.metadata.classes, ['high', 'low', 'mid']);
  assert.ok(meta.metadata.standardizer && Math.abs(meta.metadata.standardizer.mean[1] - 6500) < 100);
  writeFileSync(join(dir, 'new.csv'), 'f1,f2\n0.1,7000\n0.85,5200\n');
  const p = cli('predict', out, '--input', join(dir, 'new.csv'));
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /sample 0: class 1 \(low\)/);
  assert.match(p.out, /sample 1: class 0 \(high\)/);
  const e = cli('eval', out, '--data', `csv:${join(dir, 'scaled.csv')}`);
  assert.equal(e.code, 0, e.err);
  assert.ok(Number(/accuracy ([\d.]+) %/.exec(e.out)?.[1]) >= 95, e.out);
});

test('eval of a regression model reports loss and MAE, not an accuracy', () => {
  let csv = 'x,y\n';
  for (let i = 0; i < 200; i++) csv += `${(i / 100 - 1).toFixed(3)},${(2 * (i / 100 - 1) + 0.5).toFixed(4)}\n`;
  writeFileSync(join(dir, 'line.csv'), csv);
  const cfg = join(dir, 'line.json');
  writeFileSync(cfg, JSON.stringify({ data: { name: 'csv', path: join(dir, 'line.csv'), labelColumn: 'y' }, model: { type: 'mlp', sizes: [1, 1] }, loss: 'mse', metrics: ['mae'], optimizer: { type: 'sgd', lr: 0.1 }, epochs: 30, batchSize: 16, schedule: null }));
  const out = join(dir, 'line');
  assert.equal(cli('train', '--config', cfg, '--progress', 'none', '--out', out).code, 0);
  const e = cli('eval', out);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /loss \(mse\) \d\.\d{4}, mean absolute error 0\.0\d{3}/);
  assert.doesNotMatch(e.out, /accuracy|confusion/);
});

test('a model with too few output units for the labels is refused before training, naming the field', () => {
  const cfg = join(dir, 'few.json');
  writeFileSync(cfg, JSON.stringify({ data: { name: 'mnist', train: 200, test: 50 }, model: { type: 'mlp', sizes: [784, 32, 5] }, epochs: 1 }));
  const r = cli('train', '--config', cfg, '--progress', 'none', '--out', join(dir, 'few'));
  assert.equal(r.code, 2);
  assert.match(r.err, /config.model: the model has 5 output unit\(s\) but the labels go up to 9 \(10 classes\); make the last size 10/);
  writeFileSync(cfg, JSON.stringify({ optimizer: { type: 'adam', betas: [1.5, 0.9] } }));
  assert.match(cli('train', '--config', cfg).err, /config.optimizer: .*betas\[0\]/);
});

test('a diverging run still saves its model, history and curve, and exits 1', () => {
  const cfg = join(dir, 'diverge.json');
  writeFileSync(cfg, JSON.stringify({ data: { name: 'spirals', n: 200 }, model: { type: 'mlp', sizes: [2, 16, 2] }, optimizer: { type: 'sgd', lr: 0.5, momentum: 5 }, epochs: 20, schedule: null }));
  const out = join(dir, 'diverge');
  const r = cli('train', '--config', cfg, '--progress', 'none', '--out', out);
  assert.equal(r.code, 1);
  assert.match(r.out, /stopped: (loss became|the weights became)/);
  for (const f of ['model.json', 'model.safetensors', 'history.json', 'curve.svg']) assert.ok(existsSync(join(out, f)), f);
});

test('piping eval into a closed pipe ends quietly (no EPIPE stack trace)', () => {
  const res = spawnSync('bash', ['-c', `${process.execPath} --conditions=source --import tsx src/cli/bin.ts --help | head -c 1 > /dev/null; echo "status \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  assert.doesNotMatch(res.stderr, /EPIPE|at .*\.js/);
  assert.match(res.stdout, /status 0/);
});

test('the built command (dist/, made by npm install) is executable, as npx backprop needs', () => {
  // npm install runs `prepare` → `build`, which compiles src/ to dist/ and marks the entry executable.
  const res = spawnSync('./dist/cli/bin.js', ['--version'], { encoding: 'utf8' });
  assert.equal(res.error, undefined, `dist/cli/bin.js could not be run (${String(res.error)}); run npm install or npm run build`);
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout.trim(), /^\d+\.\d+\.\d+$/);
});
