import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w web` proxies the API of a running `shopstream start` (default port 8080).
const apiTarget = 'http://127.0.0.1:8080';
const proxied = ['/api', '/kpis', '/alerts', '/health', '/deps', '/docs'];

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  server: { proxy: Object.fromEntries(proxied.map((p) => [p, apiTarget])) },
});
