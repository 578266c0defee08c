import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The civicgrid server serves dist/ with an SPA fallback; during `npm run dev` the API is proxied
// to a server on CIVICGRID_URL (default the `make run` port).
export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        manualChunks: {
          echarts: ['echarts'],
          element: ['element-plus'],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.CIVICGRID_URL || 'http://127.0.0.1:8080',
      '/open311': process.env.CIVICGRID_URL || 'http://127.0.0.1:8080',
    },
  },
  test: {
    include: ['tests/**/*.test.js'],
    environment: 'node',
  },
});
