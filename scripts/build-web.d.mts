// The types of build-web.mjs, for the TypeScript that imports it (the tests' global set-up).
export function buildWeb(options?: { force?: boolean; quiet?: boolean }): Promise<boolean>;
