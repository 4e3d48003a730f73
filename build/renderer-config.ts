// The renderer's Vite config, shared by electron.vite.config.ts and the tests that start the same dev server
// electron-vite would (tests/integration/dev-csp.test.ts). A function, so every server gets fresh plugin
// instances (the dev-CSP plugin keeps its per-start nonce).
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import type { RendererViteConfig } from 'electron-vite'
import { devCsp } from './dev-csp.ts'

// import.meta.url, not import.meta.dirname: electron-vite bundles its config file (and this module) into a temp
// file next to electron.vite.config.ts and rewrites only import.meta.url / __dirname to each source's location.
const root = fileURLToPath(new URL('../', import.meta.url))

export function rendererConfig(options: { devCsp?: boolean } = {}): RendererViteConfig {
  return {
    root: resolve(root, 'renderer'),
    base: './',
    build: {
      // electron-vite leaves bundles unminified; the renderer is what loads on every window open.
      minify: true,
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
    // devCsp() applies to the dev server only (`apply: 'serve'`); builds keep index.html's strict CSP meta
    // (../shared/reference/electron.md §4a "Dev mode vs a strict CSP").
    plugins: options.devCsp === false ? [react()] : [react(), devCsp()],
  }
}
