/**
 * `@kiln/tensor/testing`: the Backend conformance suite. Placeholder: being implemented.
 * @packageDocumentation
 */
export {};
