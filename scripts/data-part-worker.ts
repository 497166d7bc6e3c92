/**
 * Runs one part of the data stage in a worker thread (see ingestPart in build-data.ts):
 * the result goes back to the data stage as a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ingestPart, type PartOptions } from './build-data.ts';

parentPort!.postMessage(await ingestPart(workerData as PartOptions));
