// TensorBoard event files for a training run: one file per split (train/, validation/ as Keras's TensorBoard callback
// lays them out), a scalar per metric and epoch, so TensorBoard overlays the training and validation curves.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writer } from 'protobufjs/minimal';
import { tfRecord } from './tfrecord';

// Field keys of tensorflow/core/util/event.proto and framework/summary.proto: (field number << 3) | wire type.
const EVENT_WALL_TIME = (1 << 3) | 1; // double
const EVENT_STEP = (2 << 3) | 0; // int64
const EVENT_FILE_VERSION = (3 << 3) | 2; // string
const EVENT_SUMMARY = (5 << 3) | 2; // Summary
const SUMMARY_VALUE = (1 << 3) | 2; // repeated Value
const VALUE_TAG = (1 << 3) | 2; // string
const VALUE_SIMPLE_VALUE = (2 << 3) | 5; // float

/** The version string every event file starts with; TensorBoard reads files of this version. */
export const FILE_VERSION = 'brain.Event:2';

export interface ScalarEvent {
  readonly wallTime: number;
  readonly step: number;
  readonly scalars: Readonly<Record<string, number>>;
}

/** The serialized `Event` message: the file-version record when `fileVersion` is given, else a scalar summary. */
export function eventBytes(wallTime: number, content: { fileVersion: string } | { step: number; scalars: Readonly<Record<string, number>> }): Uint8Array {
  const w = Writer.create().uint32(EVENT_WALL_TIME).double(wallTime);
  if ('fileVersion' in content) return w.uint32(EVENT_FILE_VERSION).string(content.fileVersion).finish();
  w.uint32(EVENT_STEP).int64(content.step).uint32(EVENT_SUMMARY).fork();
  for (const [tag, value] of Object.entries(content.scalars)) {
    w.uint32(SUMMARY_VALUE).fork().uint32(VALUE_TAG).string(tag).uint32(VALUE_SIMPLE_VALUE).float(value).ldelim();
  }
  return w.ldelim().finish();
}

/** Appends scalar events to one event file; every record is written whole and flushed, as TensorBoard tails files. */
export class EventFileWriter {
  readonly file: string;

  constructor(dir: string, now = Date.now()) {
    fs.mkdirSync(dir, { recursive: true });
    const seconds = Math.floor(now / 1000);
    // TensorBoard finds files by the `tfevents` in their names; the suffix keeps two runs in one second apart.
    this.file = path.join(dir, `events.out.tfevents.${seconds}.${os.hostname()}.${process.pid}.stride`);
    fs.writeFileSync(this.file, tfRecord(eventBytes(now / 1000, { fileVersion: FILE_VERSION })), { flag: 'wx' });
  }

  /** Non-finite values are written as they are: a diverged run shows as NaN in TensorBoard, as in Keras. */
  write(event: ScalarEvent): void {
    if (Object.keys(event.scalars).length === 0) return;
    fs.appendFileSync(this.file, tfRecord(eventBytes(event.wallTime, { step: event.step, scalars: event.scalars })));
  }
}
