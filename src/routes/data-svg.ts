/** The dev server's route of the data files ending in .svg (src/routes/data-file.ts). */
import { dataFileRoute } from './data-file.ts';

export const { getStaticPaths, GET } = dataFileRoute('svg');
