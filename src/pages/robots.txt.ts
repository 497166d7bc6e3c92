/**
 * `/robots.txt`: everything public may be crawled except the lookup shards, the search
 * index and the embeds (made for framing, the same charts are on their own pages); the
 * sitemap lists every page.
 */
import type { APIRoute } from 'astro';
import { getMeta } from '../lib/site-data.ts';

/** The robots.txt text. */
export const GET: APIRoute = ({ site }) => {
  const base = site?.href ?? getMeta().baseUrl;
  const text = ['User-agent: *', 'Disallow: /lookup/s/', 'Disallow: /pagefind/', 'Disallow: /embed/', '', `Sitemap: ${new URL('/sitemap.xml', base).href}`, ''].join('\n');
  return new Response(text, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
};
