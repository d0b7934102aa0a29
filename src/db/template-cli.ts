// `npm install` (postinstall): makes the template a new embedded database is copied from
// (initDataDir.ts), so the first `npm start` on a new DATA_DIR does not wait for initdb.
import { prepareDataDirTemplate } from './initDataDir.js';

const started = performance.now();
const template = await prepareDataDirTemplate();
console.log(`embedded database template ready in ${Math.round(performance.now() - started)} ms: ${template}`);
