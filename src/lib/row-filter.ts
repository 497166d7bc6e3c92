/**
 * Finding one's row in a notice by surname or by the last 4 characters of the ID
 * number. Shared by the browser filter script and the tests, so it imports nothing
 * and stays small.
 */

/** What a resident typed, understood: an ID tail (1234, 123X) or a surname prefix. */
export type RowQuery = { kind: 'id'; value: string } | { kind: 'surname'; value: string };

/** Reads the search box: 4 digits (or 3 + X) = last 4 of the ID; otherwise a surname; blank = null. */
export function parseRowQuery(input: string): RowQuery | null {
  const v = input.normalize('NFKC').replace(/\s+/g, '').replace(/\*+$/, '');
  if (v === '') return null;
  if (/^\d{3}[\dXx]$/.test(v)) return { kind: 'id', value: v.toUpperCase() };
  return { kind: 'surname', value: v };
}

/** True when a row (masked name, masked ID) matches the query. */
export function rowMatches(name: string, idNumber: string, q: RowQuery): boolean {
  return q.kind === 'id' ? idNumber.toUpperCase().endsWith(q.value) : name.startsWith(q.value);
}

/** Parses CSV text (RFC 4180: quotes, doubled quotes, CRLF or LF; a leading BOM dropped) into rows of cells. */
export function parseCsvText(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') (cell += '"'), i++;
      else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += c;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  return rows;
}
