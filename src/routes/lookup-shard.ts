/**
 * `/lookup/s/{prefix}.bin` on the dev server: the lookup shards as the data stage wrote them.
 * A build copies the files instead (scripts/lookup-shards.ts), which injects this route in
 * dev only. Served as opaque bytes (application/octet-stream) so hosts do not compress them,
 * which would make the sizes differ again.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { shardPrefixes } from '../lib/lookup.ts';
import { getLookupIndex, getLookupShard } from '../lib/site-data.ts';

export const getStaticPaths = (() => {
  const index = getLookupIndex();
  return index ? shardPrefixes(index.prefixLength).map((prefix) => ({ params: { prefix } })) : [];
}) satisfies GetStaticPaths;

/** The shard's bytes as the data stage wrote them. */
export const GET: APIRoute = ({ params }) =>
  new Response(new Blob([getLookupShard(params.prefix!) as Uint8Array<ArrayBuffer>]), { headers: { 'Content-Type': 'application/octet-stream' } });
