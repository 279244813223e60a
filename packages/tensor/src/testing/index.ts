/**
 * `@kiln/tensor/testing`: the Backend conformance suite (`describeBackend`) and the plain-JS
 * oracle it checks backends against. Needs `vitest` (an optional peer dependency of this entry).
 * @packageDocumentation
 */
export { describeBackend } from './describe-backend.js';
export type { DescribeBackendOptions } from './describe-backend.js';
export {
  UNARY_ORACLE, binaryOracle, reduceOracle, scanOracle, sortOracle, gatherOracle, scatterOracle, matmulOracle, readView, roundTo,
} from './oracle.js';
