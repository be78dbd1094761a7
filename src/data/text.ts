/**
 * Text for sequence models: the bundled public-domain corpora (data/text/, shipped in the npm
 * package), read from files; and, re-exported from vocab.ts (which needs no files), the character
 * vocabulary, the unigram entropy and padSequences.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { readFileChecked } from '../io/read.js';

/** One bundled corpus: its file in data/text/, what it is, and where it came from. */
export interface TextCorpus {
  /** File name inside the package's data/text/ folder. */
  readonly file: string;
  /** What the text is, in a line. */
  readonly description: string;
  /** Its origin and public-domain status (data/text/README.md says more). */
  readonly source: string;
}

/** The bundled text corpora by name: the one table loadText, the CLI and error messages read. */
export const TEXT_CORPORA: Readonly<Record<string, TextCorpus>> = Object.freeze({
  'pride-and-prejudice': Object.freeze({
    file: 'pride-and-prejudice.txt',
    description: 'Jane Austen, Pride and Prejudice (1813), title and chapters 1–9: 74,570 characters of English prose, 71 distinct',
    source: "public domain (Austen died in 1817); Project Gutenberg's text as packaged in Debian's r-cran-janeaustenr",
  }),
});

// src/data/text.ts (run by tsx) and dist/data/text.js (the build) sit two floors below the
// package root, so the same relative URL finds data/text/ from both.
const TEXT_DIR = new URL('../../data/text/', import.meta.url);

/** The full text of the bundled corpus `name` (a key of TEXT_CORPORA); an unknown name is a ConfigError listing the known ones. */
export function loadText(name: string): string {
  if (typeof name !== 'string' || !Object.hasOwn(TEXT_CORPORA, name)) {
    throw new ConfigError(`loadText: unknown corpus ${JSON.stringify(name) ?? String(name)} (known: ${Object.keys(TEXT_CORPORA).join(', ')})`);
  }
  return readFileChecked(fileURLToPath(new URL(TEXT_CORPORA[name].file, TEXT_DIR))).toString('utf8');
}

export { CharVocab, unigramEntropy, padSequences } from './vocab.js';
export type { CharVocabJSON, PadOptions, PaddedBatch } from './vocab.js';
