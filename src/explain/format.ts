/** One entry point for the three renderings of an explanation. */
import { ConfigError } from '../errors.js';
import { explainDocument } from './document.js';
import { formatExplainTable } from './format-table.js';
import { formatExplainMarkdown } from './format-markdown.js';
import { formatExplainHtml } from './format-html.js';
import type { ExplainRecord } from './types.js';

/** The output formats of formatExplain. */
export type ExplainFormat = 'table' | 'markdown' | 'html';

/** The explanation rendered as a terminal table, Markdown or an HTML page. */
export function formatExplain(record: ExplainRecord, format: ExplainFormat = 'table', title?: string): string {
  const doc = explainDocument(record, title);
  if (format === 'table') return formatExplainTable(doc);
  if (format === 'markdown') return formatExplainMarkdown(doc);
  if (format === 'html') return formatExplainHtml(doc);
  throw new ConfigError(`formatExplain: unknown format '${String(format)}' (known: table, markdown, html)`);
}
