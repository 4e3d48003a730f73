// Core, shared and renderer must run without an Electron binary: only
// electron/shell, electron/main.ts and electron/preload.ts may import it.
// ESLint enforces the same rule while editing; this test also catches
// require() and dynamic import().
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : /\.(ts|tsx|js|mjs|cjs)$/.test(name) ? [path] : []
  })

const ELECTRON_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](electron|electron\/[^'"]*|electron-store)['"]/

describe('core/shell boundary', () => {
  const guarded = ['electron/core', 'electron/browser-host', 'shared', 'renderer/src']
  for (const dir of guarded) {
    it(`${dir} never imports electron`, () => {
      const offenders = walk(join(root, dir)).filter((file) => ELECTRON_IMPORT.test(readFileSync(file, 'utf8')))
      expect(offenders.map((f) => relative(root, f))).toEqual([])
    })
  }

  it('the check itself recognises every import form', () => {
    for (const line of [
      "import { app } from 'electron'",
      'const { app } = require("electron")',
      "await import('electron')",
      "import Store from 'electron-store'",
      "import { x } from 'electron/main'",
    ]) {
      expect(line).toMatch(ELECTRON_IMPORT)
    }
    expect("import { build } from 'electron-vite'").not.toMatch(ELECTRON_IMPORT)
  })
})
