// A start-up refusal the operator can act on: one line naming the setting and what to do. The
// entry points print its message alone (no stack) and exit 1.
export class StartupError extends Error {}
