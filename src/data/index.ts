/** Getting data into tensors: datasets, the DataLoader, preprocessing, toy problems and file readers. */
export { TensorDataset, DataLoader } from './dataset.js';
export type { Dataset, Sample, TrainTest, DataLoaderOptions } from './dataset.js';
export { oneHot, Standardizer, standardize } from './preprocess.js';
export type { StandardizerState } from './preprocess.js';
export { trainTestSplit } from './split.js';
export type { TrainTestSplitOptions, TrainTestSplitResult } from './split.js';
export { andData, orData, xorData, spirals, circles, moons } from './toy.js';
export type { GateOptions, PointCloudOptions, SpiralOptions, CircleOptions } from './toy.js';
export { loadMnist, loadMnistAll } from './mnist.js';
export type { MnistOptions } from './mnist.js';
export {
  readIdx,
  parseIdx,
  encodeIdx,
  writeIdx,
  loadIdxDataset,
  loadIdxFolder,
  loadFashionMnist,
  loadMnistFolder,
  FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
} from './idx.js';
export type { IdxType, IdxArray, IdxData, IdxDatasetOptions } from './idx.js';
export { loadCsv } from './csv.js';
export type { CsvOptions, CsvData } from './csv.js';
export { TEXT_CORPORA, loadText, CharVocab, unigramEntropy, padSequences } from './text.js';
export type { TextCorpus, CharVocabJSON, PadOptions, PaddedBatch } from './text.js';
export { TokenVocab, PAD_TOKEN, START_TOKEN, END_TOKEN, DIGITS_VOCAB, WORDS_VOCAB, parityTask, reverseTask, additionTask, numberWords, numberWordsTask, numberCodes } from './sequences.js';
export type { SeqPairs, SeqLabels, SeqTask, VectorToSeq, ParityOptions, ReverseOptions, AdditionOptions, NumberWordsOptions } from './sequences.js';
