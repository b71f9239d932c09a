// CSV answers: UTF-8 with a BOM (so Excel reads the encoding right), RFC 4180 quoting (with LF line ends), and text cells that
// a spreadsheet would run as a formula made inert. Asset lists come as CSV from PostgreSQL itself
// (db/records-export.ts); the summary is written here.
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

// OWASP's list: a cell starting with one of these may be evaluated by Excel, LibreOffice or Sheets.
const formulaStart = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | bigint | null | undefined;

function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // Only text from the data is escaped; numbers this service writes are numbers.
  if (typeof value === 'string' && formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// Lines end in LF, as PostgreSQL's COPY writes them for the asset lists: one convention in every export.
export const csvLine = (cells: readonly CsvValue[]) => `${cells.map(csvCell).join(',')}\n`;

/** A UTF-8 byte order mark, then `body`; a failure or an abort on either side ends both. */
export function withBom(body: Readable): Readable {
  const out = new PassThrough();
  out.write('\uFEFF');
  pipeline(body, out, () => {});
  return out;
}

/** `format=csv` asks for CSV, as does an Accept header naming text/csv when no format is given. */
export function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  return /\btext\/csv\b/i.test(request.headers.accept ?? '');
}

export function sendCsv(reply: FastifyReply, filename: string, body: Readable | string) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(body);
}
