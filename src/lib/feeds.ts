/**
 * Atom feeds (RFC 4287) of new and corrected notices, one for the county and one per
 * township, so an official can follow their own area. Pure: entries come from the build's
 * publication stage; every date is a publication date (China time), never the clock.
 */
import { describeCounts } from './corrections.ts';
import { yearPath } from './notice.ts';
import { versionPath, type ChangeEntry, type FeedFile } from './publications.ts';

/** Path of the Atom feed of a county or township. */
export function feedPath(code: string): string {
  return `/feeds/${code}.xml`;
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // Characters XML 1.0 does not allow at all (a CSV may carry them): dropped rather than breaking the feed.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

/** A publication date as an Atom date-time: midnight, China time. */
export function atomDate(date: string): string {
  return `${date}T00:00:00+08:00`;
}

/** A tag URI (RFC 4151) that names an entry for good, whatever the site's address becomes later. */
export function tagUri(baseUrl: string, date: string, path: string): string {
  return `tag:${new URL(baseUrl).hostname},${date}:${path}`;
}

/** Where an entry links: the version it made (stable), or the notice for a first version. */
export function entryPath(e: ChangeEntry): string {
  return e.kind === 'new' && e.version === 1 ? yearPath(e.code, e.year) : versionPath(e.code, e.year, e.version);
}

/** Title of a feed entry in Chinese. */
export function entryTitle(e: ChangeEntry): string {
  const place = `${e.township ? `${e.township.name} ` : ''}${e.name} ${e.year}年度医保缴费公示`;
  if (e.kind === 'new') return `${place}：发布（${e.rows} 条）`;
  if (e.kind === 'withdrawn') return `${place}：已撤下`;
  return `${place}：更正（第 ${e.version} 版）`;
}

/** Summary of a feed entry in Chinese. */
export function entrySummary(e: ChangeEntry): string {
  const asOf = `数据截至 ${e.asOf}。`;
  if (e.kind === 'new') return `${e.date} 发布，共 ${e.rows} 条缴费记录。${asOf}`;
  if (e.kind === 'withdrawn') return `${e.date} 的发布中不再有这份公示（原有 ${e.rows} 条记录，均视为删除）。${asOf}`;
  return `${e.date} 更正：${e.counts ? describeCounts(e.counts) : ''}。现有 ${e.rows} 条记录。${asOf}`;
}

/** Options of {@link renderAtom}. */
export interface AtomOptions {
  feed: FeedFile;
  siteName: string;
  baseUrl: string;
}

/** The Atom XML of a feed (entries newest first, as stored). */
export function renderAtom({ feed, siteName, baseUrl }: AtomOptions): string {
  const abs = (path: string): string => new URL(path, baseUrl).href;
  const self = abs(feedPath(feed.code));
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
    `<id>${escapeXml(self)}</id>`,
    `<title>${escapeXml(`${feed.name} 医保缴费公示更新 - ${siteName}`)}</title>`,
    `<subtitle>${escapeXml(`${feed.name}各村（社区）缴费公示的发布与更正`)}</subtitle>`,
    `<updated>${atomDate(feed.updated)}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${escapeXml(self)}"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(abs('/changes/'))}"/>`,
    `<author><name>${escapeXml(siteName)}</name></author>`,
  ];
  for (const e of feed.entries) {
    const path = entryPath(e);
    lines.push(
      '<entry>',
      `<id>${escapeXml(tagUri(baseUrl, e.date, `${path}#${e.kind}`))}</id>`,
      `<title>${escapeXml(entryTitle(e))}</title>`,
      `<updated>${atomDate(e.date)}</updated>`,
      `<link rel="alternate" type="text/html" href="${escapeXml(abs(path))}"/>`,
      `<summary>${escapeXml(entrySummary(e))}</summary>`,
      '</entry>',
    );
  }
  lines.push('</feed>');
  return lines.join('\n') + '\n';
}
