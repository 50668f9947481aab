import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// The gateway serves dist/ (hashed asset names cached long, index.html not cached) and the Connect
// API on the same origin; `npm run dev` proxies the API to a gateway on YS_GATEWAY (default :8080).
const gateway = process.env.YS_GATEWAY ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    // No inline <script> in index.html (CSP script-src 'self'): Vite's module preload polyfill
    // would be inlined into the entry chunk, which is fine, but keep the HTML script-free.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        // Named shared chunks: the generated clients with their runtime, and ECharts (loaded only by
        // the pages that draw charts).
        manualChunks(id) {
          if (id.includes('/src/gen/') || id.includes('/node_modules/@bufbuild/') || id.includes('/node_modules/@connectrpc/')) {
            return 'api';
          }
          if (id.includes('/node_modules/echarts/') || id.includes('/node_modules/zrender/')) return 'echarts';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '^/yingshang\\..*': { target: gateway, changeOrigin: false },
      '/attachments': { target: gateway, changeOrigin: false },
    },
  },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
