/**
 * QR codes for printed notices, rendered at build time as inline SVG (npm `qrcode`).
 * The SVG is checked against the exact shape the library emits, so nothing but path
 * data can reach the page through `set:html`.
 */
import QRCode from 'qrcode';

/** The only markup `qrcode` may return: an svg with a background path and a module path. */
const QR_SVG = /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+" shape-rendering="crispEdges"><path fill="#ffffff" d="M0 0h\d+v\d+H0z"\/><path stroke="#000000" d="[MmHh0-9. ]+"\/><\/svg>\n?$/;

/** SVG markup of a QR code for `url` (error correction M, 2-module quiet zone), hidden from screen readers (the URL is printed beside it). */
export async function qrSvg(url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
  if (!QR_SVG.test(svg)) throw new Error(`unexpected QR markup from qrcode: ${svg.slice(0, 120)}`);
  return svg.trim().replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
}
