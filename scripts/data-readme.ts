/** Writes data/README.md from the data contract. `npm run docs:data` */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderDataReadme } from '../src/lib/data-docs.ts';

writeFileSync(resolve(import.meta.dirname, '../data/README.md'), renderDataReadme());
console.log('data/README.md updated');
