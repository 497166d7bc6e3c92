/**
 * The recipes of the "how to verify" page (src/pages/about/verify.mdx), as text: shown on
 * the page and run by tests/unit/integrity.test.ts against src/lib/integrity.ts, so the
 * page can never drift from what the site computes.
 */

/** Python 3 (standard library only): prints the content hash of a downloaded notice CSV. */
export const PYTHON_RECIPE = String.raw`import csv, hashlib, json, sys

with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = [r for r in csv.reader(f) if r][1:]   # drop the header row
form = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)
print(hashlib.sha256(form.encode("utf-8")).hexdigest())
`;

/** Node.js with papaparse (npm install papaparse), as an ES module (verify.mjs). */
export const NODE_RECIPE = String.raw`import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import Papa from "papaparse";

const text = readFileSync(process.argv[2], "utf8").replace(/^\uFEFF/, "");
const rows = Papa.parse(text, { skipEmptyLines: true }).data.slice(1);   // drop the header row
const form = rows.map((r) => JSON.stringify(r) + "\n").join("");
console.log(createHash("sha256").update(form, "utf8").digest("hex"));
`;

/** Shell: download a notice's CSV, hash the file and find the hash the site published in /manifest.json. */
export function shellRecipe(baseUrl: string, year: number, code: string): string {
  const csv = new URL(`/api/${year}/${code}.csv`, baseUrl).href;
  const manifest = new URL('/manifest.json', baseUrl).href;
  return `curl -sO ${csv}
sha256sum ${code}.csv
curl -s ${manifest} | grep '"/api/${year}/${code}.csv"'
`;
}
