// Dev-server-only Content Security Policy for the renderer
// (../shared/reference/electron.md §4a "Dev mode vs a strict CSP").
//
// In serve mode @vitejs/plugin-react injects an inline module-script preamble and Vite turns every CSS import
// into a runtime <style>; renderer/index.html's strict meta blocks both and the window stays blank. This plugin,
// for `vite`/`electron-vite dev` only (`apply: 'serve'`, so `electron-vite build` never runs it and the built
// index.html keeps the strict meta), gives each dev-server start a random `html.cspNonce` and swaps the meta
// for devContentSecurityPolicy() (shared/csp.ts), which allows exactly the elements carrying that nonce.
// Vite then stamps the nonce on the preamble and on the tags it writes into index.html, and adds
// <meta property="csp-nonce"> from which its client copies it onto every <style> it creates.
import { randomBytes } from 'node:crypto'
import type { Plugin, ViteDevServer } from 'vite'
import { devContentSecurityPolicy } from '../shared/csp.ts'

export const DEV_CSP_PLUGIN_NAME = 'keyward:dev-csp'

const CSP_META = /[ \t]*<meta\s+http-equiv="Content-Security-Policy"[^>]*>[ \t]*\n?/i

// The HMR websocket: Vite's client connects to server.ws.host (default: the page's host) on server.ws.clientPort
// or .port (default: the page's port). 'self' already covers ws: to the page's own host:port in Chromium (CSP
// level 3); naming the origins keeps a separate HMR host or port working too.
function hmrOrigins(server: ViteDevServer): string[] {
  const ws = server.config.server.ws
  if (ws === false) return []
  const urls = [...(server.resolvedUrls?.local ?? []), ...(server.resolvedUrls?.network ?? [])]
  return urls.map((page) => {
    const url = new URL(page)
    const protocol = ws?.protocol ?? (url.protocol === 'https:' ? 'wss' : 'ws')
    const origin = new URL(`${protocol}://${ws?.host ?? url.hostname}`)
    origin.port = String(ws?.clientPort ?? ws?.port ?? url.port)
    return origin.origin
  })
}

export function devCsp(): Plugin {
  let nonce = ''
  return {
    name: DEV_CSP_PLUGIN_NAME,
    apply: 'serve',
    // 18 random bytes = 24 base64 characters, new for every dev-server start.
    config: () => ({ html: { cspNonce: randomBytes(18).toString('base64') } }),
    configResolved(config) {
      nonce = config.html?.cspNonce ?? ''
    },
    transformIndexHtml: {
      // After the other plugins: the meta goes first in <head>, ahead of the preamble and /@vite/client, so it
      // governs them; Vite's own nonce hook runs after every plugin and does not touch <meta>.
      order: 'post',
      handler(html, ctx) {
        if (!CSP_META.test(html)) {
          throw new Error(`${DEV_CSP_PLUGIN_NAME}: no Content-Security-Policy <meta> in ${ctx.filename}`)
        }
        const content = devContentSecurityPolicy({ nonce, hmrOrigins: ctx.server ? hmrOrigins(ctx.server) : [] })
        const meta = { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content } }
        return { html: html.replace(CSP_META, ''), tags: [{ ...meta, injectTo: 'head-prepend' }] }
      },
    },
  }
}
