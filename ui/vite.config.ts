import { defineConfig } from 'vite';

// Tauri serves `ui/dist` (frontendDist `../ui/dist`); `tauri dev` uses the dev server below.
export default defineConfig({
  base: './',
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  server: {
    port: 1420,
    strictPort: true,
    host: process.env.TAURI_DEV_HOST || '127.0.0.1',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Android System WebView (Chromium) and iOS WKWebView 15+.
    target: ['es2021', 'chrome100', 'safari15'],
    sourcemap: false,
  },
});
