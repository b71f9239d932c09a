// CSV answers: UTF-8 with a BOM (so Excel reads the encoding right), RFC 4180 quoting, and text cells that
// a spreadsheet would run as a formula made inert.
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

// OWASP's list: a cell starting with one of these may be evaluated by Excel, LibreOffice or Sheets.
const formulaStart = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | bigint | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // Only text from the data is escaped; numbers this service writes are numbers.
  if (typeof value === 'string' && formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly CsvValue[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** The header line first, then one chunk per batch; the consumer's pace sets how fast batches are read. */
export function csvStream(
  header: readonly string[],
  batches: AsyncIterable<readonly CsvValue[][]>,
): Readable {
  return Readable.from(
    (async function* () {
      yield `\uFEFF${csvLine(header)}`;
      for await (const rows of batches) yield rows.map(csvLine).join('');
    })(),
    { objectMode: false, highWaterMark: 64 * 1024 },
  );
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
