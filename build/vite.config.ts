import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default defineConfig({
  root: path.join(root, 'renderer'),
  // Relative asset URLs: the same build loads from app:// in Electron and from http://127.0.0.1 in browser mode.
  base: './',
  plugins: [vue()],
  build: {
    outDir: path.join(root, 'dist/renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
});
