// The pure, deterministic half of DIF: safe to import from workflow code.
// (expression.ts and validate.ts are not re-exported: they compile code at run time and
// are used only by activities and the CLI.)
export * from './config-schema';
export * from './contracts';
export * from './run-plan';
export * from './template';
export * from './columns';
