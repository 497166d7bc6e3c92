/**
 * Reads one range of the lookup spill's buckets in a worker thread (see finishBuckets in
 * lookup-stage.ts): the result goes back to the data stage as a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { finishBuckets, type BucketRangeTask } from './lookup-stage.ts';

parentPort!.postMessage(finishBuckets(workerData as BucketRangeTask));
