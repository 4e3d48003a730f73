// The keyward:// handler the packaged window loads its page through
// (electron/shell/renderer-protocol.ts). Plain Node: the handler is a
// (Request) => Response function. A fixture directory stands in for
// out/renderer, with files beside it that must never be served.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRendererHandler, RENDERER_ENTRY } from '../../electron/shell/renderer-protocol.ts'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts'

let base: string
let handler: (request: Request) => Promise<Response>
const get = (url: string, init?: RequestInit) => handler(new Request(url, init))

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'keyward-protocol-'))
  const renderer = join(base, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>')
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(renderer, 'assets', 'app.css'), 'body{}')
  writeFileSync(join(renderer, 'assets', 'logo.svg'), '<svg/>')
  writeFileSync(join(renderer, 'assets', 'notes.txt'), 'not a renderer type')
  writeFileSync(join(renderer, '.env'), 'SECRET=1')
  mkdirSync(join(base, 'main'))
  writeFileSync(join(base, 'main', 'index.js'), 'main process code')
  writeFileSync(join(base, 'renderer-evil.js'), 'sibling directory with a common prefix')
  handler = createRendererHandler({ rendererDir: renderer, csp: CONTENT_SECURITY_POLICY })
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('keyward:// renderer handler', () => {
  it('serves the entry page with its type and the CSP as a header', async () => {
    const response = await get(RENDERER_ENTRY)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toContain('./assets/app.js')
    expect((await get('keyward://app/')).status).toBe(200) // the bare origin is the entry page
    expect((await get('keyward://app/index.html#/keys')).status).toBe(200)
  })

  it('gives module scripts, styles and images the MIME types Chromium requires', async () => {
    expect((await get('keyward://app/assets/app.js')).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    )
    expect((await get('keyward://app/assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect((await get('keyward://app/assets/logo.svg')).headers.get('content-type')).toBe('image/svg+xml')
  })

  it('refuses every spelling of a way out of the renderer directory', async () => {
    for (const url of [
      'keyward://app/../main/index.js',
      'keyward://app/%2e%2e/main/index.js',
      'keyward://app/assets/%2e%2e/%2e%2e/main/index.js',
      'keyward://app/..%2fmain%2findex.js',
      'keyward://app/..%5cmain%5cindex.js',
      'keyward://app/%2fetc%2fpasswd',
      'keyward://app/assets/app.js%00.html',
      'keyward://app/%E0%A4%A',
    ]) {
      const response = await get(url)
      expect(response.status, url).toBeGreaterThanOrEqual(400)
      expect(await response.text(), url).not.toContain('main process code')
    }
    // A sibling directory whose name starts like the renderer's is outside too.
    expect((await get('keyward://app/../renderer-evil.js')).status).toBe(404)
  })

  it('serves only the file types the renderer ships, no hidden files, no directories', async () => {
    expect((await get('keyward://app/assets/notes.txt')).status).toBe(404)
    expect((await get('keyward://app/.env')).status).toBe(404)
    expect((await get('keyward://app/assets')).status).toBe(404)
    expect((await get('keyward://app/assets/missing.js')).status).toBe(404)
  })

  it('answers only its own host and only reads', async () => {
    expect((await get('keyward://other/index.html')).status).toBe(404)
    expect((await get('keyward://app/index.html', { method: 'POST', body: 'x' })).status).toBe(405)
    const head = await get('keyward://app/index.html', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })
})
