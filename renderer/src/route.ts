// The app's sections as URL fragments, so the tray can open one directly:
// `index.html#/overview` (status at a glance), `#/keys` (the key list), `#/new`
// (the setup wizard), `#/devices` (everything discovery found), `#/settings`, `#/audit` (the lab
// audit, reached from Settings).
// Fragments of earlier versions still land: `#/network` is Devices, `#/consoles`
// Settings (its trusted consoles). No fragment at all is 'home': the app picks
// (App.tsx: the Overview when keys exist, the wizard when none or mid-flow).
import { useCallback, useEffect, useState } from 'react'

export type View = 'overview' | 'keys' | 'new' | 'devices' | 'settings' | 'audit'
export type Route = View | 'home'

const VIEWS: Record<string, View> = {
  '/overview': 'overview',
  '/keys': 'keys',
  '/new': 'new',
  '/devices': 'devices',
  '/settings': 'settings',
  '/audit': 'audit',
  '/network': 'devices',
  '/consoles': 'settings',
}

export function viewFromHash(hash: string): Route {
  const path = hash.replace(/^#/, '').split('&')[0] ?? ''
  return VIEWS[path] ?? 'home'
}

/**
 * Switches section; the fragment changes so a reload (or the tray) lands on the same one. `detail`
 * (`key=<id>`, `focus=ha-connect`) tells the section what to show first.
 */
export function openView(view: View, detail?: string): void {
  const hash = `/${view}${detail ? `&${detail}` : ''}`
  if (detail || viewFromHash(window.location.hash) !== view || window.location.hash === '') window.location.hash = hash
}

/** A `name=value` part of the fragment (`#/keys&key=…` → `hashParam('key')`), or null. */
export function hashParam(name: string, hash = window.location.hash): string | null {
  for (const part of hash.replace(/^#/, '').split('&').slice(1)) {
    const [k, v] = part.split('=')
    if (k === name && v) return decodeURIComponent(v)
  }
  return null
}

/**
 * Where the Devices tab sends the wizard (issue 17): `#/new&console=<host:port>` ("Make a key here" on
 * a found console) or `#/new&uisp=<host:port>` ("Make a UISP key" on a found UISP server). Null parts
 * when the fragment names none; the wizard reads these to start on that host.
 */
export function wizardTarget(hash = window.location.hash): { console: string | null; uisp: string | null } {
  if (viewFromHash(hash) !== 'new') return { console: null, uisp: null }
  return { console: hashParam('console', hash), uisp: hashParam('uisp', hash) }
}

/** The current section, following the fragment (tray links, back/forward, `openView`). */
export function useView(): [Route, (view: View) => void] {
  const [view, setView] = useState<Route>(() => viewFromHash(window.location.hash))
  useEffect(() => {
    const follow = () => setView(viewFromHash(window.location.hash))
    window.addEventListener('hashchange', follow)
    return () => window.removeEventListener('hashchange', follow)
  }, [])
  const go = useCallback((next: View) => {
    setView(next)
    openView(next)
  }, [])
  return [view, go]
}
