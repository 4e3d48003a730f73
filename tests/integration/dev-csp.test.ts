// `electron-vite dev` against the strict CSP (../shared/reference/electron.md §4a "Dev mode vs a strict CSP"):
// the renderer's real dev server, built from the same config electron-vite uses (build/renderer-config.ts through
// electron-vite's RendererConfigFactory), loaded in Debian's Chromium. With build/dev-csp.ts the React app renders
// and not one CSP violation happens; without it (index.html's production meta left in place) Chromium reports
// violations, which proves this test can see them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from '@playwright/test'
import { RendererConfigFactory } from 'electron-vite'
import { build, createServer, type Plugin, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEV_CSP_PLUGIN_NAME } from '../../build/dev-csp.ts'
import { rendererConfig } from '../../build/renderer-config.ts'
import electronViteConfig from '../../electron.vite.config.ts'
import playwrightConfig from '../../playwright.config.ts'
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy } from '../../shared/csp.ts'

const root = join(import.meta.dirname, '../..')
const WAIT = 60_000
const CHROMIUM = '/usr/bin/chromium'
// A made-up browser-host token: the renderer then builds its bridge and renders the whole App (its API calls
// fail against the bare dev server, which is fine: only React rendering and CSP are under test).
const HASH = '#token=devcsptest'

// Exactly what `electron-vite dev` hands to Vite's createServer (its renderer preset and validator plugins, then
// ours), on a loopback port of its own, with a private dep-optimizer cache and no file watcher so neither a
// parallel `npm run dev` nor someone editing renderer/ can disturb the run.
async function startDevServer(devCsp: boolean, cacheDir: string, extra: Plugin[] = []): Promise<ViteDevServer> {
  const renderer = rendererConfig({ devCsp })
  const config = await new RendererConfigFactory(
    { ...renderer, plugins: [...(renderer.plugins ?? []), ...extra] },
    {
      configFile: false,
      logLevel: 'warn',
      cacheDir,
      server: { host: '127.0.0.1', port: 0, strictPort: false, watch: null },
    },
    { root },
  ).build()
  const server = await createServer(config)
  await server.listen()
  return server
}

type Violation = { directive: string; blocked: string; source: string }
type Observed = { violations: () => Promise<Violation[]>; cspConsole: string[]; pageErrors: string[]; logs: string[] }

// Collects securitypolicyviolation events from before the first byte of HTML is parsed, and the console.
async function observe(page: Page): Promise<Observed> {
  await page.addInitScript(() => {
    const seen: { directive: string; blocked: string; source: string }[] = []
    Object.defineProperty(window, '__cspViolations', { value: seen })
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, source: `${e.sourceFile}:${e.lineNumber}` })
      },
      true,
    )
  })
  const observed: Observed = {
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: Violation[] }).__cspViolations),
    cspConsole: [],
    pageErrors: [],
    logs: [],
  }
  page.on('console', (msg) => {
    observed.logs.push(msg.text())
    if (/content.security.policy/i.test(msg.text())) observed.cspConsole.push(msg.text())
  })
  page.on('pageerror', (error) => observed.pageErrors.push(error.message))
  return observed
}

const url = (server: ViteDevServer) => {
  const local = server.resolvedUrls?.local[0]
  if (!local) throw new Error('the dev server has no local URL')
  return local + HASH
}

describe('renderer dev server under the CSP (electron-vite dev)', () => {
  let browser: Browser
  let cacheDir: string
  const servers: ViteDevServer[] = []

  beforeAll(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'keyward-dev-csp-'))
    browser = await chromium.launch({
      // As playwright.config.ts: Debian's Chromium here, Playwright's own elsewhere (electron.md §5).
      executablePath: process.env.KEYWARD_CHROMIUM || (process.platform === 'linux' ? CHROMIUM : undefined),
      args: playwrightConfig.use?.launchOptions?.args ?? [],
    })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    for (const server of servers) await server.close()
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true })
  }, 120_000)

  it('electron.vite.config.ts uses the shared renderer config, dev-CSP plugin included', () => {
    const plugins = (electronViteConfig.renderer?.plugins ?? []).flat(3) as { name?: string }[]
    expect(plugins.map((p) => p?.name)).toContain(DEV_CSP_PLUGIN_NAME)
  })

  it('the dev policy: the production one plus nonce and HMR origin, minus meta-ignored frame-ancestors', () => {
    const nonce = 'AAAAAAAAAAAAAAAAAAAAAAAA'
    expect(devContentSecurityPolicy({ nonce, hmrOrigins: ['ws://localhost:5173'] })).toBe(
      CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' 'nonce-${nonce}'`)
        .replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`)
        .replace("connect-src 'self'", "connect-src 'self' ws://localhost:5173")
        .replace("; frame-ancestors 'none'", ''),
    )
    expect(() => devContentSecurityPolicy({ nonce: "x'; script-src *" })).toThrow(/nonce/)
    expect(() => devContentSecurityPolicy({ nonce, hmrOrigins: ['ws://a; script-src *'] })).toThrow(/origin/)
    expect(() => devContentSecurityPolicy({ nonce, hmrOrigins: ['https://example.com'] })).toThrow(/origin/)
  })

  // `apply: 'serve'`: a build with the very same config (what `electron-vite build` runs) keeps the strict meta.
  it('a build is not affected: index.html keeps the production meta, no nonce', async () => {
    const outDir = join(cacheDir, 'build')
    const config = await new RendererConfigFactory(
      rendererConfig(),
      { configFile: false, logLevel: 'silent', mode: 'production', build: { outDir, emptyOutDir: true } },
      { root },
    ).build()
    await build(config)
    const built = readFileSync(join(outDir, 'index.html'), 'utf8')
    const source = readFileSync(join(root, 'renderer/index.html'), 'utf8')
    const meta = (html: string) => /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta(built)).toBeDefined()
    expect(meta(built)).toBe(meta(source))
    expect(built).not.toMatch(/nonce/)
  }, 120_000)

  it('with the dev CSP, React renders and Chromium reports no violation', async () => {
    const server = await startDevServer(true, join(cacheDir, 'on'))
    servers.push(server)
    const nonce = server.config.html?.cspNonce
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/)

    const page = await browser.newPage()
    const seen = await observe(page)
    await page.goto(url(server))

    // React rendered the App (not just the no-bridge fallback).
    await page.getByRole('navigation', { name: 'Sections' }).waitFor({ timeout: WAIT })
    await page.getByRole('heading', { name: 'Keyward', level: 1 }).waitFor({ timeout: WAIT })
    // The HMR websocket connected (connect-src).
    await expect.poll(() => seen.logs.some((l) => l.includes('[vite] connected')), { timeout: WAIT }).toBe(true)

    const state = await page.evaluate(() => {
      const head = document.head
      const csp = head.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')
      const styles = [...document.querySelectorAll<HTMLStyleElement>('style[data-vite-dev-id]')]
      const header = document.querySelector('.app-header')
      return {
        cspMetas: csp.length,
        cspFirstInHead: head.firstElementChild === csp[0],
        policy: csp[0]?.getAttribute('content') ?? '',
        // The preamble (an inline module script) ran: it installs the refresh hooks.
        preambleRan: typeof (window as unknown as { $RefreshReg$?: unknown }).$RefreshReg$ === 'function',
        styleNonces: styles.map((s) => s.nonce),
        // styles.css arrived through one of those <style>s and applies.
        headerDisplay: header ? getComputedStyle(header).display : null,
      }
    })
    expect(state.cspMetas).toBe(1)
    expect(state.cspFirstInHead).toBe(true)
    expect(state.policy).toContain(`script-src 'self' 'nonce-${nonce}'`)
    expect(state.policy).toContain(`style-src 'self' 'nonce-${nonce}'`)
    expect(state.policy).not.toContain('unsafe-')
    expect(state.preambleRan).toBe(true)
    expect(state.styleNonces.length).toBeGreaterThan(0)
    expect(new Set(state.styleNonces)).toEqual(new Set([nonce]))
    expect(state.headerDisplay).toBe('flex')

    expect(await seen.violations()).toEqual([])
    expect(seen.cspConsole).toEqual([])
    expect(seen.pageErrors).toEqual([])
    await page.close()
  }, 180_000)

  // Control: the same dev server without the plugin. With index.html's meta alone, Vite and plugin-react put the
  // preamble and /@vite/client ahead of the meta, so only Vite's runtime <style>s are refused (unstyled page).
  // Electron's session (electron/shell/window.ts) and the browser host also send the policy as a header, which
  // covers the preamble too: then the refresh hooks are missing, every component module throws and nothing renders.
  it('control: the production CSP left in place on the same dev server is reported; with the header nothing renders', async () => {
    let sendHeader = false
    const productionHeader: Plugin = {
      name: 'test:production-csp-header',
      configureServer: (s) => {
        s.middlewares.use((_req, res, next) => {
          if (sendHeader) res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
          next()
        })
      },
    }
    const server = await startDevServer(false, join(cacheDir, 'off'), [productionHeader])
    servers.push(server)
    expect(server.config.html?.cspNonce).toBeUndefined()

    // 1. The production meta only.
    let page = await browser.newPage()
    let seen = await observe(page)
    await page.goto(url(server))
    const styleRefused = (v: Violation) => v.directive === 'style-src-elem' && v.blocked === 'inline'
    await expect.poll(async () => (await seen.violations()).some(styleRefused), { timeout: WAIT }).toBe(true)
    await expect.poll(() => seen.cspConsole.some((m) => m.includes('style-src')), { timeout: WAIT }).toBe(true)
    await page.getByRole('navigation', { name: 'Sections' }).waitFor({ timeout: WAIT })
    expect(await page.locator('.app-header').evaluate((el) => getComputedStyle(el).display)).not.toBe('flex')
    await page.close()

    // 2. The production policy as a header too, as Electron's session sends it.
    sendHeader = true
    page = await browser.newPage()
    seen = await observe(page)
    await page.goto(url(server))
    const preambleRefused = (v: Violation) => v.directive === 'script-src-elem' && v.blocked === 'inline'
    await expect.poll(async () => (await seen.violations()).some(preambleRefused), { timeout: WAIT }).toBe(true)
    await expect.poll(() => seen.cspConsole.some((m) => m.includes('inline script')), { timeout: WAIT }).toBe(true)
    // The component modules' refresh wrapper throws without the preamble's hooks, so main.tsx never runs.
    await expect.poll(() => seen.pageErrors.join('\n'), { timeout: WAIT }).toMatch(/\$Refresh(Sig|Reg)\$|preamble/)
    expect(await page.locator('#root > *').count()).toBe(0)
    await page.close()
  }, 180_000)
})
