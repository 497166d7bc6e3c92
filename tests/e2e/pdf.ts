/**
 * Reading what a person would see in a PDF or on a screenshot: page count and size,
 * the text of a page, a page rendered to pixels (pdfjs-dist with its Node canvas), and
 * QR codes decoded from pixels (jsQR, PNG via pngjs).
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** A rendered image as RGBA pixels. */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The text of a QR code found anywhere in the pixels, or null. */
export function decodeQr(img: Pixels): string | null {
  return jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** Pixels of a PNG file (e.g. a Playwright screenshot). */
export function pngPixels(png: Buffer): Pixels {
  const p = PNG.sync.read(png);
  return { data: new Uint8ClampedArray(p.data.buffer, p.data.byteOffset, p.data.length), width: p.width, height: p.height };
}

/** A PDF opened for reading. */
export interface PdfDoc {
  pages: number;
  /** Page size in PostScript points (A4 is 595 × 842). */
  size(page: number): Promise<{ width: number; height: number }>;
  /** The text of a page, as pdf.js extracts it. */
  text(page: number): Promise<string>;
  /** The page rendered at scale (1 = 72 dpi): pixels and a PNG. */
  render(page: number, scale: number): Promise<Pixels & { png: Buffer }>;
  close(): Promise<void>;
}

/** Opens a PDF with pdf.js (legacy build: runs in Node, renders through @napi-rs/canvas). */
export async function openPdf(bytes: Uint8Array): Promise<PdfDoc> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 });
  const doc = await task.promise;
  return {
    pages: doc.numPages,
    size: async (n) => {
      const [x0, y0, x1, y1] = (await doc.getPage(n)).view as [number, number, number, number];
      return { width: x1 - x0, height: y1 - y0 };
    },
    text: async (n) => {
      const content = await (await doc.getPage(n)).getTextContent();
      return content.items.map((i) => ('str' in i ? i.str : '')).join('');
    },
    render: async (n, scale) => {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale });
      // pdf.js in Node creates its canvases with @napi-rs/canvas; use its factory for ours too.
      const factory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: NodeCanvas; context: NodeContext } } }).canvasFactory;
      const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: context as unknown as CanvasRenderingContext2D, viewport }).promise;
      const img = context.getImageData(0, 0, canvas.width, canvas.height);
      return { data: img.data, width: img.width, height: img.height, png: canvas.toBuffer('image/png') };
    },
    close: () => task.destroy(),
  };
}

interface NodeCanvas {
  width: number;
  height: number;
  toBuffer(type: 'image/png'): Buffer;
}
interface NodeContext {
  getImageData(x: number, y: number, w: number, h: number): Pixels;
}

/**
 * Whether PDF text contains a phrase. Chromium's PDFs map some CJK glyphs back to
 * Kangxi or supplementary radicals (页 → ⻚, 手 → ⼿), so each Chinese character of the
 * phrase also matches a radical; NFKC folds the Kangxi ones; whitespace is ignored.
 */
export function pdfTextHas(text: string, phrase: string): boolean {
  const fold = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
  const pattern = Array.from(fold(phrase), (c) =>
    /[\u4e00-\u9fff]/.test(c) ? `(?:${c}|[\u2e80-\u2eff])` : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('');
  return new RegExp(pattern).test(fold(text));
}
