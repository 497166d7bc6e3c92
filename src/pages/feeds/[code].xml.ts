/**
 * `/feeds/{code}.xml`: the Atom feed of new and corrected notices of the county (the
 * site's top region) or of one township. Dates are publication dates, never the clock.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getFeed, getFeedCodes, getMeta, pageShard } from '../../lib/site-data.ts';
import { renderAtom } from '../../lib/feeds.ts';

export const getStaticPaths = (() => getFeedCodes().filter((code) => pageShard().region(code)).map((code) => ({ params: { code } }))) satisfies GetStaticPaths;

/** The feed's XML. */
export const GET: APIRoute = ({ params, site }) => {
  const meta = getMeta();
  const feed = getFeed(params.code!)!;
  return new Response(renderAtom({ feed, siteName: meta.siteName, baseUrl: site?.href ?? meta.baseUrl }), { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
};
