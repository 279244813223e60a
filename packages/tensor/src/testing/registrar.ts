/**
 * How conformance tests are declared: each has a stable id (`binary/add/int32`) that the `skip`
 * option can name, runs with a fresh {@link Bench} on the backend under test, and releases every
 * handle it created.
 * @packageDocumentation
 */
import type { DType } from '../dtype.js';
import { Bench } from './harness.js';

/** The body of one conformance test. */
export type TestBody = (k: Bench, dtype: DType) => void | Promise<void>;

/**
 * Declares a test. The dtypes it needs (one, several, or none) are checked at run time: a test
 * needing a dtype the backend does not list in `capabilities.dtypes` is skipped with that reason.
 * The body receives the first of them.
 */
export type Define = (id: string, dtypes: DType | readonly DType[] | null, body: TestBody) => void;

/** The dtypes a test family runs for, filtered to those requested by the suite's caller. */
export type DTypeFilter = (wanted: readonly DType[]) => DType[];

/** What every suite file receives. */
export interface Suite {
  define: Define;
  dtypes: DTypeFilter;
}
