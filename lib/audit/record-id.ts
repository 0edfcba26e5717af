/**
 * Audit record ids that sort by time: the end time in ms (base 36, fixed
 * width), this process's random tag, and a counter. Sorting by id is newest
 * first across replicas, and an id is a stable paging cursor.
 */
import { randomBytes } from "node:crypto";

const TAG = randomBytes(4).toString("hex");
let counter = 0;

export function auditRecordId(atMs: number): string {
  counter = (counter + 1) % 36 ** 6;
  return `${Math.floor(atMs).toString(36).padStart(9, "0")}-${TAG}-${counter.toString(36).padStart(6, "0")}`;
}
