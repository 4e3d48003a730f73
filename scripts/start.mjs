#!/usr/bin/env node
// `npm start`: the Electron app. Electron ≥ 42 fetches its binary on first use;
// where that is not wanted or not possible (ELECTRON_SKIP_BINARY_DOWNLOAD=1, or
// the download fails on an offline machine) the same core and UI start in the
// browser host instead, with a note saying so.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
const run = (cmd, args) => process.exit(spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1)

function electronBinary() {
  try {
    const dir = join(require.resolve('electron/package.json'), '..')
    const file = join(dir, 'path.txt')
    return existsSync(file) && existsSync(join(dir, 'dist', readFileSync(file, 'utf8').trim()))
  } catch {
    return false
  }
}

function fetchElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') return false
  const install = join(require.resolve('electron/package.json'), '..', 'install.js')
  return spawnSync(process.execPath, [install], { cwd: root, stdio: 'inherit', timeout: 300_000 }).status === 0
}

if (electronBinary() || fetchElectron()) {
  run(join(root, 'node_modules/.bin/electron-vite'), ['dev'])
} else {
  console.log('\nNo Electron binary is available here. Starting the browser host instead:')
  console.log('the same core and UI, served to your browser on 127.0.0.1 only.\n')
  run('npm', ['run', '--silent', 'start:browser'])
}
