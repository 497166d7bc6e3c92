/**
 * A chart's SVG as a plain tree of nodes. The same tree is printed two ways: by the
 * Astro component `SvgTree.astro` (Astro escapes every attribute and text) and by
 * {@link serializeSvg} for the downloadable `.svg` file and the snapshot tests. No DOM.
 */

/** One SVG element: tag, attributes and either text or child elements. */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  text?: string;
  children: SvgNode[];
}

/** Builds an element; string children become text (only one text child is kept, SVG charts need no mixed content). */
export function h(tag: string, attrs: Record<string, string | number | null | undefined> = {}, ...children: Array<SvgNode | string | null | undefined | false>): SvgNode {
  const clean: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) clean[k] = typeof v === 'number' ? round(v) : v;
  const node: SvgNode = { tag, attrs: clean, children: [] };
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (typeof c === 'string') node.text = (node.text ?? '') + c;
    else node.children.push(c);
  }
  return node;
}

/** Rounds a coordinate to 0.1 px: enough for the eye, stable across platforms for snapshots. */
export function round(v: number): number {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? 0 : r;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text and attribute values for XML. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function printNode(n: SvgNode, indent: string, out: string[]): void {
  const attrs = Object.entries(n.attrs).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('');
  if (n.children.length === 0) {
    out.push(n.text === undefined ? `${indent}<${n.tag}${attrs}/>` : `${indent}<${n.tag}${attrs}>${escapeXml(n.text)}</${n.tag}>`);
    return;
  }
  out.push(`${indent}<${n.tag}${attrs}>${n.text === undefined ? '' : escapeXml(n.text)}`);
  for (const c of n.children) printNode(c, indent + ' ', out);
  out.push(`${indent}</${n.tag}>`);
}

/** SVG markup of a tree (with the XML namespace), one element per line, every text escaped. */
export function svgMarkup(root: SvgNode): string {
  const withNs: SvgNode = root.tag === 'svg' && !('xmlns' in root.attrs) ? { ...root, attrs: { xmlns: 'http://www.w3.org/2000/svg', ...root.attrs } } : root;
  const out: string[] = [];
  printNode(withNs, '', out);
  return out.join('\n') + '\n';
}

/** A standalone SVG document: the XML declaration and {@link svgMarkup}. */
export function serializeSvg(root: SvgNode): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + svgMarkup(root);
}

/** Every text of a tree, in document order (for tests and the text alternative). */
export function textsOf(n: SvgNode): string[] {
  return [...(n.text === undefined ? [] : [n.text]), ...n.children.flatMap(textsOf)];
}
