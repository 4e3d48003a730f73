import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { rendererConfig } from './build/renderer-config.ts'

const root = import.meta.dirname

// Custom roots (electron/, renderer/) instead of electron-vite's src/ defaults.
// The preload is emitted as CommonJS and bundles its few dependencies, because a
// sandboxed preload can neither be ESM nor require() packages
// (../shared/reference/electron.md §4).
export default defineConfig({
  main: {
    build: {
      rolldownOptions: { input: { index: resolve(root, 'electron/main.ts') } },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  // build/renderer-config.ts: React plus the dev-server-only CSP (build/dev-csp.ts, electron.md §4a).
  renderer: rendererConfig(),
})
