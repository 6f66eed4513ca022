import type { CopiedTable } from './copiedTables.js';

/** Rows per page, and the bytes a page stops at (one larger row still makes a page). */
export const PAGE_ROWS = 1000;
export const PAGE_BYTES = 32 * 1024 * 1024;

/** A page of rows: values in the table's `columns` order, and the bytes of its data column. */
export interface SourcePage {
  rows: unknown[][];
  bytes: number;
}

/** What a table holds: its rows, and the bytes of its data column. */
export interface TableTally {
  rows: number;
  bytes: number;
}

/** A database copied from, read as it was at one moment. */
export interface CopySource {
  /** Rows copied as they read although damaged (named for the operator). */
  readonly damaged: string[];
  /** The table's rows in key order, a bounded page at a time. */
  pages(table: CopiedTable): Iterable<SourcePage> | AsyncIterable<SourcePage>;
  /** Rows in the table (at the same moment as the pages). */
  count(table: CopiedTable): number | Promise<number>;
  close(): void | Promise<void>;
}

/** A database copied to, written in one transaction: all of it lands, or none. */
export interface CopyTarget {
  insert(table: CopiedTable, rows: readonly unknown[][]): void | Promise<void>;
  /** What the table holds now, in the copy's transaction. */
  tally(table: CopiedTable): TableTally | Promise<TableTally>;
  /** Moves the table's serial past the copied values, if it has one to move. */
  advanceSerial(table: CopiedTable): void | Promise<void>;
  commit(): Promise<void>;
  /** Undoes everything written; never throws. */
  abort(): Promise<void>;
}
