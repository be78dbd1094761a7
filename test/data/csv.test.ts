// loadCsv: headers (given or guessed), label columns by name or index, text labels, quoting,
// delimiters, and errors that name the file, line and column.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, FileFormatError } from '../../src/index.js';
import { loadCsv } from '../../src/data/index.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('loadCsv: header with a named label column', () => {
  const p = csv('named.csv', 'a,b,label\n1,2,0\n3,4.5,1\n-1e-3,.5,1\n');
  const d = loadCsv(p, { labelColumn: 'label' });
  assert.deepEqual(d.columns, ['a', 'b']);
  assert.equal(d.labelName, 'label');
  assert.deepEqual(d.x.shape, [3, 2]);
  assert.deepEqual(d.x.toArray(), [[1, 2], [3, 4.5], [Math.fround(-1e-3), 0.5]]);
  assert.deepEqual(d.y?.toArray(), [0, 1, 1]);
  assert.equal(d.classes, undefined);
});

test('loadCsv: without labelColumn every column is a feature; header guessed', () => {
  const withHeader = loadCsv(csv('h.csv', 'x1,x2\n1,2\n3,4\n'));
  assert.deepEqual(withHeader.columns, ['x1', 'x2']);
  assert.deepEqual(withHeader.x.toArray(), [[1, 2], [3, 4]]);
  assert.equal(withHeader.y, undefined);
  const bare = loadCsv(csv('n.csv', '1,2,3\n4,5,6\n'));
  assert.deepEqual(bare.columns, ['0', '1', '2']);
  assert.deepEqual(bare.x.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(loadCsv(csv('n2.csv', '1,2\n'), { header: true }).x.shape, [0, 2], 'a header-only file has no rows');
});

test('loadCsv: labelColumn by index (negative from the end) and header: false', () => {
  const p = csv('idx.csv', '0.5,7,1\n1.5,8,0\n');
  const d = loadCsv(p, { labelColumn: -1, header: false });
  assert.deepEqual(d.x.toArray(), [[0.5, 7], [1.5, 8]]);
  assert.deepEqual(d.y?.toArray(), [1, 0]);
  assert.deepEqual(loadCsv(p, { labelColumn: 0 }).y?.toArray(), [0.5, 1.5]);
});

test('loadCsv: text labels become class indices in sorted order, and a data row with text is not taken for a header', () => {
  const p = csv('iris.csv', '5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n');
  const d = loadCsv(p, { labelColumn: 2 });
  assert.deepEqual(d.x.shape, [4, 2]);
  assert.deepEqual(d.classes, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(d.y?.toArray(), [0, 1, 2, 0]);
});

test('loadCsv: quotes, CRLF, blank lines, a byte-order mark, other delimiters', () => {
  const p = csv('mixed.csv', '\ufeff"width","height ""cm""",class\r\n"1.5",2,"0"\r\n\r\n3, 4 ,1\r\n');
  const d = loadCsv(p, { labelColumn: 'class' });
  assert.deepEqual(d.columns, ['width', 'height "cm"']);
  assert.deepEqual(d.x.toArray(), [[1.5, 2], [3, 4]]);
  assert.deepEqual(d.y?.toArray(), [0, 1]);
  assert.deepEqual(loadCsv(csv('semi.csv', 'a;b\n1;2\n'), { delimiter: ';' }).x.toArray(), [[1, 2]]);
  assert.deepEqual(loadCsv(csv('tab.tsv', 'a\tb\n1\t2\n3\t4'), { delimiter: '\t' }).x.toArray(), [[1, 2], [3, 4]]);
});

/** Asserts fn throws the error class with every fragment in its message. */
function assertError(fn: () => unknown, cls: typeof FileFormatError | typeof ConfigError, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return true;
  });
}

test('loadCsv: non-numeric cells name the file, line and column', () => {
  const p = csv('bad.csv', 'a,b,y\n1,2,0\n\n3,abc,1\n');
  assertError(() => loadCsv(p, { labelColumn: 'y' }), FileFormatError, 'bad.csv', 'line 4', 'column 2', '"b"', 'abc');
  const empty = csv('gap.csv', 'a,b\n1,\n');
  assertError(() => loadCsv(empty), FileFormatError, 'gap.csv', 'line 2', 'column 2', 'not a number');
  assertError(() => loadCsv(csv('hex.csv', '1,0x10\n'), { header: false }), FileFormatError, 'line 1', 'column 2', '0x10');
  assertError(() => loadCsv(csv('nolabel.csv', 'a,y\n1,\n'), { labelColumn: 'y' }), FileFormatError, 'line 2', 'label is empty');
});

test('loadCsv: ragged rows, empty files, unclosed quotes, bad options', () => {
  assertError(() => loadCsv(csv('ragged.csv', 'a,b\n1,2\n3\n')), FileFormatError, 'ragged.csv', 'line 3', '1 fields', 'expected 2');
  assertError(() => loadCsv(csv('empty.csv', '\n\n')), FileFormatError, 'empty.csv', 'empty');
  assertError(() => loadCsv(csv('quote.csv', 'a,b\n1,"2\n')), FileFormatError, 'quote.csv', 'line 2', 'never closed');
  const p = csv('ok.csv', 'a,b\n1,2\n');
  assertError(() => loadCsv(p, { labelColumn: 'c' }), ConfigError, 'no column named "c"', '"a", "b"');
  assertError(() => loadCsv(p, { labelColumn: 2 }), ConfigError, 'labelColumn 2');
  assertError(() => loadCsv(p, { delimiter: ';;' }), ConfigError, 'delimiter');
});
