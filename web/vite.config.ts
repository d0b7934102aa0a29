// The web app: two entries so the accept page (link.html: /invite, /reset-password, /verify-email)
// loads none of the console's code. Built by scripts/build-web.mjs into web/dist, served by src/http/web.ts.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The polyfill is for browsers without modulepreload (before 2023); it is not worth its bytes here.
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { console: `${import.meta.dirname}/index.html`, link: `${import.meta.dirname}/link.html` },
    },
  },
});
