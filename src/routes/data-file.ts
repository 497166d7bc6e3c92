/**
 * The data files on the dev server: chart downloads, the API files and the lookup shards
 * (src/lib/data-files.ts). A build writes them straight into the site instead
 * (scripts/site-files.ts), which injects one route per file type in dev only, with the type
 * in its pattern (`/[...dir]/[name].csv`): a pattern without it would need a trailing slash
 * (trailingSlash: 'always'). The lookup shards are served as opaque bytes
 * (application/octet-stream) so hosts do not compress them, which would make their sizes
 * differ again.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { apiFiles, chartFiles, lookupFiles, type DataFile } from '../lib/data-files.ts';
import { WHOLE_SITE } from '../lib/page-shards.ts';

/** File types of the data files, and what they are served as. */
export const DATA_FILE_TYPES = {
  csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', svg: 'image/svg+xml; charset=utf-8', bin: 'application/octet-stream',
} as const;

/** The route of the data files of one type. */
export function dataFileRoute(ext: keyof typeof DATA_FILE_TYPES): { getStaticPaths: GetStaticPaths; GET: APIRoute } {
  const suffix = `.${ext}`;
  return {
    getStaticPaths: () =>
      [...chartFiles(WHOLE_SITE), ...apiFiles(WHOLE_SITE), ...lookupFiles(WHOLE_SITE)].filter((f) => f.path.endsWith(suffix)).map((file) => {
        const slash = file.path.lastIndexOf('/');
        return { params: { dir: file.path.slice(0, slash), name: file.path.slice(slash + 1, -suffix.length) }, props: { file } };
      }),
    GET: ({ props }) => {
      const content = (props as { file: DataFile }).file.body();
      return new Response(typeof content === 'string' ? content : new Blob([content as Uint8Array<ArrayBuffer>]), { headers: { 'Content-Type': DATA_FILE_TYPES[ext] } });
    },
  };
}
