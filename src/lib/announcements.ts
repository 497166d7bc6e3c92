/**
 * The frontmatter of an announcement (src/content/announcements/*.mdx), as officials
 * write it, and the order they are listed in. Error messages say what to write.
 */
import { z } from 'astro/zod';
import { parseDate } from './contract.ts';

/** YAML turns an unquoted 2025-09-01 into a Date (UTC midnight); a quoted one stays a string. Both become "2025-09-01". */
const dateField = z.union([z.date(), z.string()]).transform((v, ctx) => {
  const iso = v instanceof Date ? v.toISOString().slice(0, 10) : parseDate(v);
  if (!iso || Number.isNaN(Date.parse(iso))) {
    ctx.issues.push({ code: 'custom', input: v, message: '发布日期应为 YYYY-MM-DD，如 2025-09-01' });
    return z.NEVER;
  }
  return iso;
});

/** Frontmatter of an announcement. */
export const AnnouncementSchema = z.object({
  title: z.string({ error: '请填写标题（title）' }).min(1, { error: '标题（title）不能为空' }).max(60, { error: '标题（title）不超过 60 个字' }),
  /** One or two sentences: shown in the list and when the link is shared. */
  description: z.string({ error: '请填写摘要（description），一两句话' }).min(1).max(200, { error: '摘要（description）不超过 200 个字' }),
  date: dateField,
  /** Issuing unit, e.g. 枝江市医疗保障局. */
  issuer: z.string().min(1).optional(),
});

/** Announcement frontmatter as written. */
export type AnnouncementInput = z.input<typeof AnnouncementSchema>;
/** Announcement frontmatter as pages use it (date as YYYY-MM-DD). */
export type Announcement = z.output<typeof AnnouncementSchema>;

/** Newest first; same date by id, so the order is stable. */
export function sortAnnouncements<T extends { id: string; data: { date: string } }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => (a.data.date !== b.data.date ? (a.data.date < b.data.date ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
