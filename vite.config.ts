// Vite builds the SPA in web/ into dist/, which the Express server serves (with an index.html
// fallback for client-side routes). In development the dev server proxies /api to the backend.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import { tanstackRouter } from '@tanstack/router-plugin/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const rootDir = path.dirname(fileURLToPath(import.meta.url));
const apiTarget = process.env.API_PROXY_TARGET ?? 'http://localhost:4000';

export default defineConfig({
  root: path.join(rootDir, 'web'),
  publicDir: path.join(rootDir, 'web', 'public'),
  build: {
    outDir: path.join(rootDir, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
  },
  plugins: [
    // Must run before the React plugin so that route files are code-split first.
    tanstackRouter({
      target: 'react',
      routesDirectory: path.join(rootDir, 'web', 'routes'),
      generatedRouteTree: path.join(rootDir, 'web', 'routeTree.gen.ts'),
      autoCodeSplitting: true,
      // Only what the router needs to match a URL and start loading (search validation, loaders,
      // head) stays in the entry chunk; the pending skeletons go with their page's component.
      codeSplittingOptions: {
        defaultBehavior: [['component', 'pendingComponent'], ['errorComponent'], ['notFoundComponent']],
      },
      // tsconfig uses NodeNext resolution: relative imports carry their extension.
      addExtensions: true,
      quoteStyle: 'single',
    }),
    react(),
    tailwindcss(),
  ],
  server: {
    port: 5173,
    proxy: {
      // Keep the Host header (no changeOrigin) so the server's same-origin CSRF check accepts
      // requests coming through the dev server.
      '/api': { target: apiTarget, ws: true },
    },
  },
  preview: {
    proxy: { '/api': { target: apiTarget, ws: true } },
  },
});
