// The public API, pinned: a name added to or dropped from `src/index.ts` must be added or dropped
// here too, on purpose. Internal helpers (option parsers, buffer makers, the live kernel table,
// atomic-write plumbing) stay out of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';

const PUBLIC = [
  'ACTIVATIONS', 'ACTIVATION_NAMES', 'Adam', 'AdamW', 'AdaptiveAvgPool2d', 'AvgPool1d',
  'AvgPool2d', 'BackpropError', 'BasicBlock', 'BatchNorm1d', 'BatchNorm2d', 'CHAR_RNN_CELLS', 'CharRNN', 'CharVocab', 'ConfigError',
  'Conv1d', 'Conv2d', 'CosineAnnealingLR', 'DIGITS_VOCAB', 'DataLoader', 'Dropout', 'ELU', 'END_TOKEN', 'Embedding', 'ExponentialLR',
  'FASHION_MNIST_CLASSES', 'FASHION_MNIST_DIR', 'FileAccessError', 'FileFormatError', 'Flatten', 'GRU',
  'GRUCell', 'GlobalAvgPool', 'GraphError', 'Identity', 'InverseTimeLR', 'LOSS_NAMES', 'LRScheduler', 'LSTM',
  'LSTMCell', 'LeakyReLU', 'Linear', 'LogSoftmax', 'LogisticRegression', 'MAX_SEED', 'METRIC_NAMES',
  'MaxPool1d', 'MaxPool2d', 'McCullochPitts', 'Module', 'NanGuard', 'NonFiniteError', 'Optimizer',
  'PAD_TOKEN', 'Perceptron', 'RMSprop', 'RNN', 'RNNCell', 'ReLU', 'RemovableHandle', 'ResNet', 'Residual', 'SGD',
  'START_TOKEN', 'Seq2Seq', 'SequenceClassifier', 'SequenceGenerator', 'Sequential', 'ShapeError', 'Sigmoid', 'Sign', 'Softmax', 'Softplus', 'Standardizer', 'Step', 'StepLR',
  'TEXT_CORPORA', 'Tanh', 'Tensor', 'TensorDataset', 'TextSampler',
  'TokenVocab', 'ValueError', 'WORDS_VOCAB', 'abs', 'accuracy', 'activation', 'activationEntry', 'activationLayer',
  'adaptiveAvgPool2d', 'add', 'additionTask', 'alexnet', 'andData', 'arange', 'argmax', 'avgPool1d', 'avgPool2d',
  'backward', 'batchNorm', 'binaryCrossEntropy', 'binaryCrossEntropyWithLogits', 'broadcastTo',
  'circles', 'clamp', 'clipGradNorm', 'clipGradValue', 'clone', 'concat', 'confusionMatrix',
  'conv1d', 'conv2d', 'cos', 'countCorrect', 'cpuKernels', 'crossEntropy', 'decodeCheckpoint',
  'decodeSafetensors', 'describeBackend', 'detectAnomaly', 'div', 'elu', 'embedding', 'encodeCheckpoint', 'encodeIdx',
  'encodeSafetensors', 'evaluate', 'evaluateSequences', 'exp', 'eye', 'fit', 'flatten', 'formatConfusionMatrix',
  'formatSummary', 'fromTypedArray', 'full', 'gather', 'getBackend', 'getDefaultDtype',
  'getRngState', 'globalAvgPool', 'gradcheck', 'gradcheckEach', 'gradcheckModel', 'identity', 'indexSelect', 'init',
  'isActivationName', 'isDebug', 'isGradEnabled', 'isLossName', 'kernelNames', 'klDiv',
  'klDivergence', 'l2', 'l2Penalty', 'leakyRelu', 'lenet5', 'linear', 'listBackends',
  'loadCheckpoint', 'loadCsv', 'loadFashionMnist', 'loadIdxDataset', 'loadIdxFolder', 'loadMnist',
  'loadMnistAll', 'loadMnistFolder', 'loadModelFiles', 'loadModule', 'loadSafetensors', 'loadText', 'log',
  'logSoftmax', 'logsumexp', 'lossByName', 'mae', 'manualSeed', 'matmul', 'max', 'maxPool1d',
  'maxPool2d', 'mean', 'meanAbsoluteError', 'min', 'missingKernels', 'mlp', 'moduleFromConfig',
  'moons', 'mse', 'mul', 'neg', 'nll', 'noGrad', 'numberCodes', 'numberWords', 'numberWordsTask', 'oneHot', 'ones', 'orData', 'overrideKernel',
  'padSequences', 'parityTask', 'parseIdx', 'permute', 'pow', 'predict', 'predictedClasses', 'printSummary', 'rand',
  'plotConfusion', 'plotCurves', 'plotDecisionBoundary', 'plotFeatureMaps', 'plotFilters', 'plotGradNorms', 'plotHiddenStates',
  'randn', 'random', 'randomInt', 'randomNormal', 'randperm', 'readIdx', 'recurrence', 'registerBackend', 'registerKernel',
  'registerModuleType', 'relu', 'reshape', 'resnet', 'resnet18', 'resnet34', 'resnetSmall', 'reverseTask', 'sampleLogits',
  'saveCheckpoint', 'saveModel', 'saveModule',
  'saveSafetensors', 'scalar', 'scopePath', 'sequenceCrossEntropy', 'setBackend', 'setDebug', 'setGradEnabled',
  'setRngState', 'sigmoid', 'sign', 'sin', 'slice', 'softmax', 'softplus', 'spirals', 'sqrt',
  'squeeze', 'stack', 'standardize', 'step', 'sub', 'sum', 'summarize', 'tanh', 'targetClasses',
  'teacherForcingStep', 'tensor', 'trainStep', 'trainTestSplit', 'transpose', 'unigramEntropy', 'unsqueeze', 'writeIdx', 'xorData',
  'zeros', 'zerosLike',
  'EXPLAIN_PRESETS', 'drawGraph', 'explain', 'explainPreset', 'formatExplain',
];

test('src/index.ts exports exactly the public names', () => {
  const names = Object.keys(bp).sort();
  assert.deepEqual(names.filter((n) => !PUBLIC.includes(n)), [], 'exported but not in the public list');
  assert.deepEqual(PUBLIC.filter((n) => !names.includes(n)), [], 'in the public list but not exported');
});

test('internal helpers are not exported', () => {
  for (const n of ['zerosBuffer', 'numOpt', 'intOpt', 'counter', 'kernels', 'checkNonNegative', 'unbroadcast', 'fmtShape', 'writeFileAtomicSync', 'makeProgress', 'defaultThreshold']) {
    assert.equal(n in bp, false, n);
  }
});

test('the cpu kernel table cannot be changed from outside', () => {
  assert.ok(Object.isFrozen(bp.cpuKernels));
});
