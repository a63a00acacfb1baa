// The pure, deterministic half of DIF: safe to import from workflow code.
// (validate.ts is not re-exported: it compiles schemas at run time and is used only by
// activities and the CLI; the expression engine is runtime, in runtime/expression/.)
export * from './config-schema';
export * from './contracts';
export * from './run-plan';
export * from './template';
export * from './columns';
