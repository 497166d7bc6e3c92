/**
 * Runs the data stage of one publication in a worker thread (see runPublicationStages in
 * scripts/publications.ts): log lines and the result go back to the build as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runDataStage, type DataStageOptions } from './build-data.ts';

const { dataDir, outDir, reportFile, parts, partsDir, lookupsDir, knownInputs } = workerData as Omit<DataStageOptions, 'log'>;
const result = await runDataStage({ dataDir, outDir, reportFile, parts, partsDir, lookupsDir, knownInputs, log: (line) => parentPort!.postMessage({ log: line }) });
parentPort!.postMessage({ result });
