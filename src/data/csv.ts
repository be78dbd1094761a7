/**
 * A CSV reader for numeric tables: one example per row, optionally one column of labels.
 * Fields may be quoted ("…", with "" for a quote); every feature cell must be a decimal number,
 * and anything else is reported with its file, line and column.
 */
import { readFileChecked } from '../io/read.js';
import { ConfigError, FileFormatError } from '../errors.js';
import { Tensor, allocDefault } from '../tensor/tensor.js';

/** Options of loadCsv. */
export interface CsvOptions {
  /** Column holding the targets, by header name or index (negative counts from the end). */
  labelColumn?: string | number;
  /** Whether the first row names the columns; 'auto' (default) decides by whether it is all numbers. */
  header?: boolean | 'auto';
  /** Field separator, one character (default ','). */
  delimiter?: string;
  /** Class names of text labels, in index order (e.g. those a model was trained with); default: this file's, sorted. */
  classes?: readonly string[];
}

/** A table read by loadCsv. */
export interface CsvData {
  /** The feature columns, [rows, features]. */
  readonly x: Tensor;
  /** The label column, [rows], when labelColumn was given. */
  readonly y?: Tensor;
  /** Names of x's columns (from the header, or "0", "1", … by position without one). */
  readonly columns: string[];
  /** Name of the label column, when labelColumn was given. */
  readonly labelName?: string;
  /**
   * When the label column is not all numbers (e.g. "setosa"), its distinct values in sorted
   * order; y then holds each row's index into this list.
   */
  readonly classes?: string[];
}

interface Row {
  readonly line: number;
  readonly cells: string[];
}

/** Splits CSV text into rows of cells, remembering the line each row starts on; skips blank lines. */
function parseRows(text: string, delimiter: string, file: string): Row[] {
  const rows: Row[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false; // inside "…"
  let wasQuoted = false; // the current cell had quotes, so it is not blank even if empty
  let line = 1;
  let rowLine = 1;
  let quoteLine = 0;
  const endRow = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cell.trim() === '' && !wasQuoted)) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      wasQuoted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new FileFormatError(`${file}: line ${quoteLine}: a quoted field is never closed`);
  if (cell !== '' || cells.length > 0 || wasQuoted) endRow();
  return rows;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The cell as a number, or null when it is not a plain decimal number. */
function toNumber(cell: string): number | null {
  const s = cell.trim();
  return NUMBER.test(s) ? Number(s) : null;
}

/**
 * Guesses whether the first row is a header: it has text where the second row has a number
 * (so "5.1,3.5,setosa" over "4.9,3.0,setosa" is data, text labels and all), or it is all text.
 */
function looksLikeHeader(rows: readonly Row[]): boolean {
  const [first, second] = rows;
  const text = first.cells.map((c) => toNumber(c) === null);
  if (!text.some(Boolean)) return false;
  if (!second || text.every(Boolean)) return true;
  return text.some((isText, c) => isText && c < second.cells.length && toNumber(second.cells[c]) !== null);
}

/** Reads a CSV file of numbers into x [rows, features] (and y [rows] from labelColumn). */
export function loadCsv(path: string, options: CsvOptions = {}): CsvData {
  const { labelColumn, header = 'auto', delimiter = ',' } = options;
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ConfigError(`loadCsv: delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
  }
  if (header !== true && header !== false && header !== 'auto') throw new ConfigError(`loadCsv: header must be true, false or 'auto', got ${String(header)}`);
  let text = readFileChecked(path).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  const rows = parseRows(text, delimiter, path);
  if (rows.length === 0) throw new FileFormatError(`${path}: no rows (the file is empty)`);

  const first = rows[0];
  const hasHeader = header === 'auto' ? looksLikeHeader(rows) : header;
  const width = first.cells.length;
  const names = hasHeader ? first.cells.map((c) => c.trim()) : first.cells.map((_, i) => String(i));
  const body = hasHeader ? rows.slice(1) : rows;

  let label = -1;
  if (labelColumn !== undefined) {
    if (typeof labelColumn === 'number') {
      if (!Number.isInteger(labelColumn) || labelColumn < -width || labelColumn >= width) {
        throw new ConfigError(`loadCsv: labelColumn ${labelColumn} is out of range for ${width} columns in ${path}`);
      }
      label = labelColumn < 0 ? labelColumn + width : labelColumn;
    } else {
      label = names.indexOf(labelColumn);
      if (label === -1) {
        const why = hasHeader ? `its columns are ${names.map((c) => JSON.stringify(c)).join(', ')}` : 'it has no header row; give the column index instead';
        throw new ConfigError(`loadCsv: no column named ${JSON.stringify(labelColumn)} in ${path}: ${why}`);
      }
    }
  }

  const features = label === -1 ? width : width - 1;
  const x = allocDefault(body.length * features);
  const labelCells: string[] = [];
  for (let r = 0; r < body.length; r++) {
    const { line, cells } = body[r];
    if (cells.length !== width) {
      throw new FileFormatError(`${path}: line ${line} has ${cells.length} fields, expected ${width} like ${hasHeader ? 'the header' : `line ${first.line}`}`);
    }
    let f = 0;
    for (let c = 0; c < width; c++) {
      if (c === label) {
        const cell = cells[c].trim();
        if (cell === '') throw new FileFormatError(`${path}: line ${line}, column ${c + 1} ("${names[c]}"): the label is empty`);
        labelCells.push(cell);
        continue;
      }
      const v = toNumber(cells[c]);
      if (v === null || !Number.isFinite(v)) {
        const name = hasHeader ? ` ("${names[c]}")` : '';
        const why = v === null ? 'is not a number' : 'is too large for a number (it would be infinite)';
        throw new FileFormatError(`${path}: line ${line}, column ${c + 1}${name}: ${JSON.stringify(cells[c])} ${why}`);
      }
      x[r * features + f++] = v;
    }
  }
  const columns = names.filter((_, c) => c !== label);
  const out = { x: new Tensor(x, [body.length, features]), columns };
  if (label === -1) return out;

  const y = allocDefault(body.length);
  const numeric = labelCells.map(toNumber);
  if (numeric.every((v) => v !== null)) {
    const r = numeric.findIndex((v) => !Number.isFinite(v));
    if (r !== -1) {
      throw new FileFormatError(`${path}: line ${body[r].line}, column ${label + 1} ("${names[label]}"): the label ${JSON.stringify(labelCells[r])} is too large for a number (it would be infinite)`);
    }
    numeric.forEach((v, r) => (y[r] = v as number));
    return { ...out, y: new Tensor(y, [body.length]), labelName: names[label] };
  }
  // Text labels (class names): number them in sorted order so the mapping does not depend on row order.
  const classes = options.classes ? [...options.classes] : [...new Set(labelCells)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  labelCells.forEach((c, r) => {
    const k = index.get(c);
    if (k === undefined) throw new FileFormatError(`${path}: label "${c}" in row ${r + 1} is not one of the known classes (${classes.join(', ')})`);
    y[r] = k;
  });
  return { ...out, y: new Tensor(y, [body.length]), labelName: names[label], classes };
}
