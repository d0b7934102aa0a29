// Hooks every test file needs. A setup file runs for each file, where a helper's module-level hook
// would be registered only in the first file of a worker to import it (files share modules:
// `isolate: false` in vitest.config.ts).
import { afterEach } from 'vitest';
import { killChildren } from './child.js';

afterEach(killChildren);
