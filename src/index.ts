/**
 * backprop: tensors, reverse-mode back-propagation and the pieces to train neural networks.
 * Everything that needs no file system comes from the browser entry (src/browser.ts); Node adds
 * the fit with checkpoints and resuming, the file readers, and saving and loading.
 */
export * from './browser.js';
// Node's fit (checkpoints, resumeFrom, the progress bar); an explicit export wins over `export *`.
export { fit, evaluate, predict } from './train/fit.js';
export * from './io/index.js';
export { saveModule, loadModule } from './models/persist.js';
export { loadMnist, loadMnistAll } from './data/mnist.js';
export type { MnistOptions } from './data/mnist.js';
export {
  readIdx, parseIdx, encodeIdx, writeIdx, loadIdxDataset, loadIdxFolder, loadFashionMnist, loadMnistFolder,
  FASHION_MNIST_DIR, FASHION_MNIST_CLASSES,
} from './data/idx.js';
export type { IdxType, IdxArray, IdxData, IdxDatasetOptions } from './data/idx.js';
export { loadCsv } from './data/csv.js';
export type { CsvOptions, CsvData } from './data/csv.js';
export { TEXT_CORPORA, loadText } from './data/text.js';
export type { TextCorpus, CharVocabJSON, PadOptions, PaddedBatch } from './data/text.js';
