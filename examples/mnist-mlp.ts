/**
 * Handwritten digits: a 784-128-10 ReLU multi-layer perceptron trained on MNIST (the `mnist`
 * package's digits, each 28×28 image flattened to 784 numbers in [0, 1]) with the
 * cross-entropy loss and SGD with momentum. Prints the test accuracy and the confusion
 * matrix (rows: true digit, columns: predicted digit), then saves the model (architecture
 * JSON + safetensors weights) so it can be loaded back without this code.
 *
 * Run: npx tsx --conditions=source examples/mnist-mlp.ts [output-folder]
 *      (default folder: a fresh one under the system's temp directory)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  mlp, fit, predict, accuracy, predictedClasses, confusionMatrix, formatConfusionMatrix, saveModule, loadModule,
  loadMnist, SGD, manualSeed, type ProgressMode,
} from 'backprop';

/** How much to train: the default is the full example; tests pass a smaller budget. */
export interface MnistOptions {
  /** Training digits (default 8000). */
  train?: number;
  /** Test digits (default 2000). */
  test?: number;
  /** Epochs (default 5). */
  epochs?: number;
  /** Folder to save the model in (default a new temp folder). */
  outDir?: string;
  /** How fit reports progress (default 'auto': a bar on a terminal, a line per epoch otherwise). */
  progress?: ProgressMode;
  /** Random seed (default 0): fixes the train/test split, the initial weights and the batch order. */
  seed?: number;
}

/** What trainMnist gives back. */
export interface MnistResult {
  /** Fraction of test digits classified correctly. */
  testAccuracy: number;
  /** confusion[true][predicted] over the test digits. */
  confusion: number[][];
  /** Base path of the saved model (`<modelPath>.json` + `<modelPath>.safetensors`). */
  modelPath: string;
  /** Predicted digit of each test image, from the trained model. */
  predictions: number[];
  /** Predicted digit of each test image, from the model loaded back from disk. */
  reloadedPredictions: number[];
  /** Largest |difference| between the two models' scores on the test images (0 when the weights round-trip exactly). */
  reloadedMaxDiff: number;
}

/** Trains, evaluates, saves and reloads the MLP. */
export function trainMnist(options: MnistOptions = {}): MnistResult {
  const { train: nTrain = 8000, test: nTest = 2000, epochs = 5, progress = 'auto', seed = 0 } = options;
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'backprop-mnist-'));
  manualSeed(seed); // same split, initial weights and batch order on every run

  const { train, test } = loadMnist({ train: nTrain, test: nTest, flatten: true }); // x [N, 784], y [N] labels 0…9
  const model = mlp([784, 128, 10], { activation: 'relu' }); // outputs raw scores (logits)
  fit(model, train, {
    loss: 'crossEntropy', // softmax + negative log-likelihood, computed stably from the logits
    optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
    epochs,
    batchSize: 64,
    metrics: ['accuracy'],
    progress,
  });

  const scores = predict(model, test.x); // [N, 10]
  const modelPath = join(outDir, 'mnist-mlp');
  saveModule(model, modelPath, { dataset: 'mnist', train: nTrain, test: nTest, epochs });
  const { model: reloaded } = loadModule(modelPath); // rebuilt from the JSON, weights from the safetensors
  const reloadedScores = predict(reloaded, test.x);

  return {
    testAccuracy: accuracy(scores, test.y),
    confusion: confusionMatrix(scores, test.y, 10),
    modelPath,
    predictions: Array.from(predictedClasses(scores)), // argmax of each row's 10 scores
    reloadedPredictions: Array.from(predictedClasses(reloadedScores)),
    reloadedMaxDiff: scores.data.reduce((m, v, i) => Math.max(m, Math.abs(v - reloadedScores.data[i])), 0),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2];
  const r = trainMnist({ outDir });
  console.log(`\ntest accuracy ${(100 * r.testAccuracy).toFixed(2)}%\n`);
  console.log(formatConfusionMatrix(r.confusion));
  const same = r.predictions.every((p, i) => p === r.reloadedPredictions[i]);
  console.log(`\nsaved to ${r.modelPath}.json + .safetensors`);
  console.log(`loaded back: ${same ? 'the same' : 'DIFFERENT'} predictions, largest score difference ${r.reloadedMaxDiff}`);
}
