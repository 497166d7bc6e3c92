/**
 * Encoding detection and streaming decode for exports: UTF-8 (with or without BOM)
 * or GB18030, which Excel on Chinese Windows writes. Detected, never asked.
 */
import iconv from 'iconv-lite';

/** An encoding the ingest accepts. */
export type Encoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

/** Thrown when bytes cannot be decoded; carries a Chinese message for the report. */
export class EncodingError extends Error {
  readonly byteOffset: number;
  constructor(message: string, byteOffset: number) {
    super(message);
    this.byteOffset = byteOffset;
    this.name = 'EncodingError';
  }
}

const HEAD_BYTES = 64 * 1024;

/**
 * Bytes to read from an export at a time (`createReadStream`'s `highWaterMark`) for
 * {@link decodeChunks}. With 1 MiB the parse of ten counties (5,013,231 rows) took 6.9–8.1 s,
 * 325–362 MiB at its peak and about 156,000 minor page faults; with 64 KiB 4.6–6.0 s, 149 MiB
 * and about 29,000 (`/usr/bin/time node scripts/bench-ingest.ts --stage parse --dir EXPORT
 * [--read-chunk 1048576]`, alternated). Probably because a 1 MiB chunk of Chinese text
 * decodes to a string of about 2 MB, which V8 keeps in its large-object space, and every
 * cell papaparse cuts from it is a slice of it; a 64 KiB chunk's string is an ordinary one.
 */
export const READ_CHUNK_BYTES = 64 * 1024;

/** Decides the encoding from the first bytes of a file. */
export function detectEncoding(head: Uint8Array): Encoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new EncodingError('文件是 UTF-16 编码，无法读取：请在 Excel 中“另存为”时选择“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”', 0);
  }
  try {
    // stream: true tolerates a multi-byte character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/**
 * Decodes a stream of byte chunks into text chunks, detecting the encoding from the
 * first 64 KiB. Reports the encoding through `onEncoding` before the first text chunk.
 */
export async function* decodeChunks(
  chunks: AsyncIterable<Uint8Array>,
  onEncoding: (encoding: Encoding) => void = () => {},
): AsyncGenerator<string> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  // Assigned inside `start`; the cast keeps TypeScript from narrowing it to `null` for good.
  let decode = null as ((chunk: Uint8Array, last: boolean) => string) | null;
  let offset = 0;

  const start = (): void => {
    const head = concat(pending, pendingBytes);
    const encoding = detectEncoding(head);
    onEncoding(encoding);
    if (encoding === 'gb18030') {
      const decoder = iconv.getDecoder('gb18030');
      decode = (chunk, last) => decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)) + (last ? (decoder.end() ?? '') : '');
    } else {
      const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
      decode = (chunk, last) => {
        try {
          return decoder.decode(chunk, { stream: !last });
        } catch {
          throw new EncodingError(`文件开头是 UTF-8 编码，但在第 ${offset} 字节附近出现了非 UTF-8 内容：同一文件混用了编码。请用 Excel 或记事本整体“另存为” UTF-8 后重新导出`, offset);
        }
      };
    }
  };

  for await (const chunk of chunks) {
    if (!decode) {
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes < HEAD_BYTES) continue;
      start();
      const head = concat(pending, pendingBytes);
      pending = [];
      const text = decode!(head, false);
      offset += head.byteLength;
      if (text) yield text;
      continue;
    }
    const text = decode(chunk, false);
    offset += chunk.byteLength;
    if (text) yield text;
  }
  if (!decode) {
    start();
    const text = decode!(concat(pending, pendingBytes), true);
    if (text) yield text;
    return;
  }
  const tail = (decode as (chunk: Uint8Array, last: boolean) => string)(new Uint8Array(0), true);
  if (tail) yield tail;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
