/**
 * Names shared by the pages that write Pagefind attributes and the search page's
 * browser script: filter and sort keys, result kinds. No dependencies, so the
 * browser bundle stays small.
 */

/** Pagefind filter keys (shown to people, so in Chinese). */
export const FILTER = {
  kind: '类型',
  year: '年度',
  county: '县（市、区）',
  township: '乡镇（街道）',
} as const;

/** Pagefind sort keys. */
export const SORT = {
  /** Pinyin of the place name or article title: dictionary order. */
  name: 'name',
  /** Enrollment rate, 0–1.5 with 4 decimals. */
  rate: 'rate',
} as const;

/** Meta key holding a page's value of each sort key (Pagefind returns metadata, not sort values). */
export const SORT_META: Record<string, string> = { [SORT.name]: 'sort-name', [SORT.rate]: 'sort-rate' };

/** Pagefind meta keys shown in results. */
export const META = {
  title: 'title',
  /** Full place path: 枝江市 › 顾家店镇 › 沙碛坪村. */
  path: 'path',
  year: 'year',
  /** Enrollment rate as read: 35.2%. */
  rate: 'rate',
  kind: 'kind',
} as const;

/** Kinds of indexed pages: the value of the {@link FILTER.kind} filter. */
export const KIND_LABELS = {
  notice: '公示',
  region: '地区',
  article: '文章',
} as const;

/** A kind of indexed page. */
export type SearchKind = keyof typeof KIND_LABELS;

/** Separator of a place path, as on breadcrumbs. */
export const PATH_SEPARATOR = ' › ';
