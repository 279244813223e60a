/**
 * Loads every gradient rule (one file per primitive op family).
 * @packageDocumentation
 */
import './unary.js';
import './binary.js';
import './conversion.js';
import './reduction.js';
import './scan.js';
import './linalg.js';
import './index.js';
import './cat.js';
import './views.js';
