/**
 * Hashes a range of the site's data files in a worker thread, for the manifest (see
 * writeSiteIndex in site-index.ts): sizes and SHA-256 go back as a message, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hashFiles } from './site-index.ts';

parentPort!.postMessage(await hashFiles(workerData as string[]));
