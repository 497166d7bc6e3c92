/**
 * Compares one range of notices across the publications in a worker thread (see
 * writeHistory in publications.ts): it writes their history files, and the rest goes back
 * to the build as a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { historyRangeTask, type HistoryRangeTask } from './publications.ts';

parentPort!.postMessage(await historyRangeTask(workerData as HistoryRangeTask));
