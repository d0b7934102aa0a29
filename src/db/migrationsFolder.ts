// Where drizzle-kit's migrations live: the repository's drizzle/ folder, from src/db or dist/db alike.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');
