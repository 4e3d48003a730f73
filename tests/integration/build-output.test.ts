// What `electron-vite build` emits must run under Electron's sandbox: the
// preload is CommonJS and requires nothing but electron (a sandboxed preload
// cannot load packages), and the renderer page carries no inline script.
// `npm test` builds before this stage runs.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const out = join(import.meta.dirname, '../../out')
const read = (path: string) => {
  const file = join(out, path)
  if (!existsSync(file)) throw new Error(`${path} is missing: run "npm run build" first`)
  return readFileSync(file, 'utf8')
}

describe('build output', () => {
  it('emits the preload as CommonJS that requires only electron', () => {
    const preload = read('preload/index.cjs')
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])
    expect(new Set(required)).toEqual(new Set(['electron']))
    expect(preload).not.toMatch(/^\s*(import|export)\s/m)
    expect(preload).toContain('exposeInMainWorld')
  })

  it('keeps the input schemas (zod) out of the preload and the renderer: they validate on the main side only', () => {
    // Before the contract was split, the 18-line preload weighed 179 KB, most of it zod.
    const preload = read('preload/index.cjs')
    expect(preload).not.toContain('ZodError')
    expect(preload.length).toBeLessThan(40_000)
    const html = read('renderer/index.html')
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeTruthy()
    expect(read(`renderer/${script}`)).not.toContain('ZodError')
  })

  it('emits a main entry that loads the preload and serves the renderer it ships with, never from file://', () => {
    const main = read('main/index.js')
    expect(main).toContain('../preload/index.cjs')
    expect(main).toContain('"../renderer"') // the keyward:// handler's directory (boot.test.ts follows every URL)
    expect(main).not.toMatch(/loadFile\(|pathToFileURL\([^)]*renderer/)
    expect(main).toMatch(/sandbox: true/)
    expect(main).toMatch(/contextIsolation: true/)
    expect(main).toMatch(/nodeIntegration: false/)
  })

  it('loads the native keychain binding only when first used, so a broken binding cannot stop start-up', () => {
    const main = read('main/index.js')
    expect(main).not.toMatch(/^import[^;]*["']@napi-rs\/keyring["']/m)
    expect(main).toMatch(/import\(["']@napi-rs\/keyring["']\)/)
  })

  it('ships the Electron security checklist in the main process', () => {
    const main = read('main/index.js')
    for (const needle of [
      'enableSandbox()', // every renderer sandboxed
      'nodeIntegrationInWorker: false',
      'nodeIntegrationInSubFrames: false',
      'webSecurity: true',
      '"will-navigate"', // navigation denied
      'setWindowOpenHandler', // new windows denied
      'action: "deny"',
      'setPermissionRequestHandler', // permission requests denied
      'setPermissionCheckHandler',
      'Content-Security-Policy', // the same CSP as a header
      'requestSingleInstanceLock',
    ]) {
      expect(main, needle).toContain(needle)
    }
    // The IPC handler refuses frames other than our own top-level renderer.
    expect(main).toMatch(/senderFrame/)
    expect(main).not.toMatch(/sandbox: false|contextIsolation: false|nodeIntegration: true/)
  })

  it('emits a renderer page with no inline script and relative asset paths', () => {
    const html = read('renderer/index.html')
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attrs, body] of scripts) {
      expect(body!.trim()).toBe('')
      expect(attrs).toMatch(/src="\.\/assets\//)
    }
    expect(html).toContain('Content-Security-Policy')
  })
})
