/**
 * Reconciles a built site's notice pages with an export's payments.csv: every input row
 * must appear in exactly one notice page (of its village and year), and the 序号 of a
 * village-year must run 1…N across its pages, page n holding rows 1000·(n-1)+1 … 1000·n.
 * Reads the HTML as a browser would get it (entities decoded), not the data stage output.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILES, type PaymentCells } from '../src/lib/contract.ts';
import { ingestFile } from '../src/lib/ingest.ts';
import { formatYuan } from '../src/lib/publish.ts';
import { PAGE_SIZE } from '../src/lib/notice.ts';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };
/** Decodes the entities Astro writes when it escapes text. */
export function decodeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e]!);
}

/** A short, fixed-size key of a row's published cells (keeps 750k keys in little memory). */
function rowKey(cells: readonly string[]): string {
  return createHash('sha1').update(cells.join('\u0001')).digest('base64').slice(0, 20);
}

/** One row of a notice table: its 序号 and cells (name, ID, amount, date, channel, status). */
export interface NoticeRow {
  no: number;
  cells: string[];
}

const ROW = /<tr(?: class="[a-z]+")?><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g;

/** The rows of the notice table of one built page. */
export function rowsOfPage(html: string): NoticeRow[] {
  const tbody = /<table class="nt">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  const rows = [...tbody.matchAll(ROW)].map((m) => ({ no: Number(m[1]), cells: m.slice(2, 8).map(decodeHtml) }));
  const trs = (tbody.match(/<tr[ >]/g) ?? []).length;
  if (trs !== rows.length) throw new Error(`notice table has ${trs} rows but only ${rows.length} have the expected 7 cells`);
  return rows;
}

/** Every notice page of a built site, by village-year ("2025:420583103201"), pages in order. */
export function noticePages(dist: string): Map<string, Array<{ page: number; path: string }>> {
  const out = new Map<string, Array<{ page: number; path: string }>>();
  const root = join(dist, 'r');
  for (const code of readdirSync(root).sort()) {
    if (code.endsWith('000')) continue;
    for (const year of readdirSync(join(root, code)).filter((y) => /^\d{4}$/.test(y)).sort()) {
      const list = [{ page: 1, path: join(root, code, year, 'index.html') }];
      const more = join(root, code, year, 'p');
      if (existsSync(more)) for (const n of readdirSync(more)) list.push({ page: Number(n), path: join(more, n, 'index.html') });
      out.set(`${year}:${code}`, list.sort((a, b) => a.page - b.page));
    }
  }
  return out;
}

/** What the reconciliation found; all lists empty and the counts equal when every row is in exactly one page. */
export interface Reconciliation {
  inputRows: number;
  pageRows: number;
  villageYears: number;
  pages: number;
  /** Rows shown more often than they are in the input (on two pages, or not in the input). */
  extra: string[];
  /** Rows of the input that no notice page shows. */
  missing: string[];
  /** 序号 out of order, or rows on the wrong page. */
  numbering: string[];
}

/** Counts the input rows of an export (after the contract's coercion of each cell) and matches them against the built notice pages. */
export async function reconcileNotices(exportDir: string, dist: string): Promise<Reconciliation> {
  const want = new Map<string, number>();
  let inputRows = 0;
  const errors: string[] = [];
  await ingestFile<PaymentCells>({
    file: FILES.payments.file,
    bytes: createReadStream(join(exportDir, FILES.payments.file), { highWaterMark: 1 << 20 }),
    fields: FILES.payments.fields,
    onIssue: (i) => void (i.severity === 'error' && errors.push(`line ${i.line}: ${i.problem}`)),
    onRecord: (p) => {
      inputRows++;
      const key = `${p.coverage_year}:${p.region_code}:${rowKey([p.name, p.id_number, formatYuan(p.amount), p.paid_on, p.channel, p.status])}`;
      want.set(key, (want.get(key) ?? 0) + 1);
    },
  });
  if (errors.length) throw new Error(`the export is invalid, nothing to reconcile: ${errors.slice(0, 5).join('; ')}`);

  const r: Reconciliation = { inputRows, pageRows: 0, villageYears: 0, pages: 0, extra: [], missing: [], numbering: [] };
  for (const [vy, pages] of noticePages(dist)) {
    r.villageYears++;
    let expectNo = 1;
    for (const { page, path } of pages) {
      r.pages++;
      const rows = rowsOfPage(readFileSync(path, 'utf8'));
      if (page > 1 && rows.length === 0) r.numbering.push(`${vy} page ${page} is empty`);
      for (const row of rows) {
        r.pageRows++;
        if (row.no !== expectNo || Math.floor((row.no - 1) / PAGE_SIZE) + 1 !== page) r.numbering.push(`${vy} page ${page}: 序号 ${row.no}, expected ${expectNo}`);
        expectNo = row.no + 1;
        const key = `${vy}:${rowKey(row.cells)}`;
        const left = (want.get(key) ?? 0) - 1;
        if (left < 0) r.extra.push(`${vy} page ${page} 序号 ${row.no}: ${row.cells.join(',')}`);
        else want.set(key, left);
      }
    }
  }
  for (const [key, left] of want) if (left > 0) r.missing.push(`${key.split(':').slice(0, 2).join(':')} row ${key.split(':')[2]} ×${left}`);
  r.extra = r.extra.slice(0, 20);
  r.missing = r.missing.slice(0, 20);
  r.numbering = r.numbering.slice(0, 20);
  return r;
}
