/**
 * backprop for the browser: everything of the Node entry (src/index.ts) that needs no file system —
 * tensors, ops, autograd, layers, models, losses, optimisers, fit (without checkpoints), datasets
 * built in memory, explain, the SVG plots, and the kernel backends (the wasm backend included). Imported as
 * `backprop/browser`, or as `backprop` by bundlers that honour the "browser" export condition.
 * test/browser/import-graph.test.ts keeps this module graph free of node:* and Node-only packages.
 */
export { BackpropError, ShapeError, ValueError, GraphError, ConfigError, FileFormatError, FileAccessError, NonFiniteError } from './errors.js';
export { Tensor, tensor, scalar, zeros, ones, full, zerosLike, arange, eye, rand, randn, fromTypedArray, getDefaultDtype } from './tensor/tensor.js';
export type { DType, NestedArray, TensorOptions, TensorLike, GraphNode, OpAttr } from './tensor/tensor.js';
export type { Shape } from './tensor/shape.js';
export { manualSeed, MAX_SEED, getRngState, setRngState, random, randomInt, randomNormal, randperm } from './tensor/random.js';
export { backward, noGrad, isGradEnabled, setGradEnabled } from './autograd/graph.js';
export type { BackwardOptions } from './autograd/graph.js';
export { setDebug, isDebug, detectAnomaly } from './autograd/debug.js';
export { scopePath } from './autograd/scope.js';
export { gradcheck, gradcheckEach } from './autograd/gradcheck.js';
export type { GradcheckOptions, GradcheckEachOptions, GradcheckResult } from './autograd/gradcheck.js';
export { gradcheckModel } from './diagnostics/gradcheck-model.js';
export type { GradcheckModelOptions, ParameterCheck } from './diagnostics/gradcheck-model.js';
export type { DiagnosticsOptions, DiagnosticsRecord, FirstNonFinite } from './diagnostics/types.js';
export * from './ops/index.js';
export { setThreads } from './kernels/threads.js';
export { cpuKernels, kernelNames, registerBackend, registerKernel, setBackend, getBackend, listBackends, describeBackend, missingKernels, overrideKernel } from './kernels/backend.js';
export type { Backend, BackendDescription, Kernels, KernelName } from './kernels/backend.js';
// Makes the wasm backend known and applies the default backend at import.
import './kernels/select.js';
export type { FloatArray } from './kernels/types.js';
export * from './nn/index.js';
export * from './losses/index.js';
// Models: all of src/models/index.ts but saveModule/loadModule (files).
export * from './models/classic.js';
export * from './models/cnn.js';
export * from './models/resnet.js';
export * from './models/seq.js';
export * from './models/char-rnn.js';
export * from './optim/index.js';
// Training: as src/train/index.ts, with the browser's fit (no checkpoints or resuming).
export { fit, evaluate, predict } from './train/fit-browser.js';
export type * from './train/types.js';
export * from './train/metrics.js';
export { trainStep } from './train/step.js';
export { NanGuard } from './train/callbacks/nan-guard.js';
export { TextSampler } from './train/callbacks/text-sampler.js';
export type { TextSamplerOptions, TextSample, TextGenerator } from './train/callbacks/text-sampler.js';
export type { ProgressMode, ProgressReporter } from './train/progress.js';
export { teacherForcingStep, evaluateSequences } from './train/teacher-forcing.js';
export type { TeacherForcedModel } from './train/teacher-forcing.js';
// Data: datasets built in memory (the file readers and bundled corpora stay on Node).
export { TensorDataset, DataLoader } from './data/dataset.js';
export type { Dataset, Sample, TrainTest, DataLoaderOptions } from './data/dataset.js';
export { oneHot, Standardizer, standardize } from './data/preprocess.js';
export type { StandardizerState } from './data/preprocess.js';
export { trainTestSplit } from './data/split.js';
export type { TrainTestSplitOptions, TrainTestSplitResult } from './data/split.js';
export { andData, orData, xorData, spirals, circles, moons } from './data/toy.js';
export type { GateOptions, PointCloudOptions, SpiralOptions, CircleOptions } from './data/toy.js';
export { TokenVocab, PAD_TOKEN, START_TOKEN, END_TOKEN, DIGITS_VOCAB, WORDS_VOCAB, parityTask, reverseTask, additionTask, numberWords, numberWordsTask, numberCodes } from './data/sequences.js';
export type { SeqPairs, SeqLabels, SeqTask, VectorToSeq, ParityOptions, ReverseOptions, AdditionOptions, NumberWordsOptions } from './data/sequences.js';
export { CharVocab, unigramEntropy, padSequences } from './data/vocab.js';
export type { CharVocabJSON, PadOptions, PaddedBatch } from './data/vocab.js';
export { explain, formatExplain, explainPreset, EXPLAIN_PRESETS, drawGraph } from './explain/index.js';
export type { ExplainOptions, ExplainRecord, ExplainLayer, ExplainCheck, ExplainLoss, ExplainValue, ExplainFormat, ExplainPreset, DrawGraphOptions } from './explain/index.js';
export * from './plot/index.js';
